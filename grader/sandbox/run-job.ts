import ivm from "isolated-vm";
import { createTrustedContext, SETUP_TIMEOUT_MS, type IsolateReserve, type TrustedIsolate } from "./isolate-setup.ts";
import type { DecodedJob, ExerciseEnd, WorkerConfig, WorkerMessage } from "./messages.ts";
import type { TakenResult } from "./prelude.ts";
import type { SandboxCaseResult, SandboxExercise } from "./protocol.ts";

export interface JobRunnerDeps {
  readonly config: WorkerConfig;
  readonly send: (message: WorkerMessage) => void;
  /** Lets the worker flush progress messages between cases. */
  readonly yieldToEventLoop: () => Promise<void>;
  /** Where the submission's isolate comes from: usually made ahead of time, never used before. */
  readonly reserve: IsolateReserve;
}

/**
 * "escaped": something other than a timeout or the memory limit came out of the call. Our prelude
 * catches what student code throws, so this is isolated-vm surfacing an unhandled promise rejection
 * from the student's microtasks: the student's failure, not the worker's.
 */
type Call<T> = { ok: true; value: T } | { ok: false; failure: "timeout" | "memory" } | { ok: false; failure: "escaped"; message: string };

/** The host-side copy of an escaped error: isolated-vm hands us a plain Error whose message is a string. */
function escapedMessage(error: unknown): string {
  const raw = error instanceof Error ? error.message : typeof error === "string" ? error : "<unprintable value>";
  return raw.length > 500 ? `${raw.slice(0, 500)}...` : raw;
}

/** One isolate for the submission; replaced only when the memory limit disposed it. */
interface SubmissionIsolate {
  readonly isolate: ivm.Isolate;
  readonly trusted: TrustedIsolate;
  /** undefined when V8 refused the compiled code (should not happen after esbuild). */
  readonly student: ivm.Script | undefined;
  readonly compileError: string | undefined;
}

/** A prepared context: prelude installed, helper and student module loaded, export resolved. */
interface ExerciseContext {
  readonly context: ivm.Context;
  readonly api: ivm.Reference;
}

const elapsedSince = (start: number) => performance.now() - start;
const round = (ms: number) => Math.round(ms * 1000) / 1000;

function isMemoryLimit(error: unknown, isolate: ivm.Isolate): boolean {
  return isolate.isDisposed || (error instanceof Error && /memory limit/i.test(error.message));
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && /timed out/i.test(error.message);
}

/**
 * isolated-vm enforces its limit only after a full GC, and lets V8 run past it meanwhile; on V8 13 an
 * allocation that overshoots can end as a RangeError ("Invalid string length") before that GC comes.
 * Code that threw while its heap is still over the limit was stopped by memory, whatever it threw.
 * Asked only after a throw: between collections a healthy heap may sit above the limit too.
 */
function overMemoryLimit(isolate: ivm.Isolate, limitMb: number): boolean {
  if (isolate.isDisposed) return true;
  const heap = isolate.getHeapStatisticsSync();
  return heap.used_heap_size + heap.externally_allocated_size > limitMb * 1024 * 1024;
}

/** How an exercise failed before its first case, and whether every export would fail the same way. */
interface Unprepared {
  readonly end: ExerciseEnd;
  /** Module evaluation fails alike in every context; one export's getter fails only that export. */
  readonly sharedByAllExports: boolean;
}

export async function runJob(job: DecodedJob, deps: JobRunnerDeps): Promise<void> {
  const { config, send } = deps;
  const jobStart = performance.now();
  const deadlineAt = jobStart + job.deadlineMs;
  let isolateMs = 0;
  let runMs = 0;
  let current: SubmissionIsolate | undefined;

  const freshIsolate = (): SubmissionIsolate => {
    const start = performance.now();
    const trusted = deps.reserve.take();
    let student: ivm.Script | undefined;
    let compileError: string | undefined;
    try {
      student = trusted.isolate.compileScriptSync(job.code, { filename: "file:///submission.js" });
    } catch (error) {
      compileError = error instanceof Error ? error.message : String(error);
    }
    isolateMs += elapsedSince(start);
    return { isolate: trusted.isolate, trusted, student, compileError };
  };

  const call = <T>(sandbox: SubmissionIsolate, api: ivm.Reference, op: string, arg: unknown, timeoutMs: number): Call<T> => {
    try {
      const value = api.applySync(undefined, [op, arg], { timeout: Math.max(1, Math.ceil(timeoutMs)), result: { copy: true } }) as T;
      return { ok: true, value };
    } catch (error) {
      if (isMemoryLimit(error, sandbox.isolate)) return { ok: false, failure: "memory" };
      if (isTimeout(error)) return { ok: false, failure: "timeout" };
      return { ok: false, failure: "escaped", message: escapedMessage(error) };
    }
  };

  const moduleFailure = (message: string): Unprepared => ({ end: { kind: "module_error", message }, sharedByAllExports: true });
  const exportFailure = (end: ExerciseEnd): Unprepared => ({ end, sharedByAllExports: false });
  const memoryLimitHit = (sandbox: SubmissionIsolate): boolean => {
    if (!overMemoryLimit(sandbox.isolate, config.sandboxMemoryMb)) return false;
    if (!sandbox.isolate.isDisposed) sandbox.isolate.dispose();
    return true;
  };

  /** Returns the prepared context, or how the exercise failed before its first case. */
  const prepare = (sandbox: SubmissionIsolate, exercise: SandboxExercise, exerciseDeadlineAt: number): ExerciseContext | Unprepared => {
    if (sandbox.student === undefined) return moduleFailure(`the compiled module was rejected: ${sandbox.compileError ?? "unknown error"}`);
    const start = performance.now();
    let context: ivm.Context;
    let api: ivm.Reference;
    let factory: ivm.Reference;
    try {
      ({ context, api } = sandbox.trusted.spareContexts.shift() ?? createTrustedContext(sandbox.trusted));
      factory = sandbox.student.runSync(context, { reference: true, timeout: SETUP_TIMEOUT_MS }) as ivm.Reference;
    } catch (error) {
      // Only a full isolate fails here (earlier student code left it at its limit); anything else is ours.
      if (!isMemoryLimit(error, sandbox.isolate)) throw error;
      return moduleFailure(`setting up the sandbox exceeded the memory limit (${config.sandboxMemoryMb} MB)`);
    }
    const moduleBudget = Math.min(config.moduleTimeoutMs, exerciseDeadlineAt - performance.now(), deadlineAt - performance.now());
    const loaded = call<"ok" | "threw">(sandbox, api, "loadStudent", factory.derefInto({ release: true }), moduleBudget);
    isolateMs += elapsedSince(start);
    const memoryMessage = `evaluating the module exceeded the memory limit (${config.sandboxMemoryMb} MB)`;
    if (!loaded.ok) {
      switch (loaded.failure) {
        case "memory":
          return moduleFailure(memoryMessage);
        case "timeout":
          return moduleFailure(`evaluating the module took longer than ${Math.round(moduleBudget)} ms`);
        case "escaped":
          return moduleFailure(memoryLimitHit(sandbox) ? memoryMessage : `evaluating the module failed: ${loaded.message}`);
      }
    }
    if (loaded.value === "threw") {
      if (memoryLimitHit(sandbox)) return moduleFailure(memoryMessage);
      const taken = call<TakenResult>(sandbox, api, "takeResult", undefined, config.outputTimeoutMs);
      const message = taken.ok && taken.value.kind === "threw" ? taken.value.message : "<unprintable thrown value>";
      return moduleFailure(`evaluating the module threw: ${message}`);
    }
    type Lookup = { kind: "found"; name: string } | { kind: "not_function"; name: string; type: string } | { kind: "absent" } | { kind: "threw" };
    const lookup = call<Lookup>(sandbox, api, "resolveExport", new ivm.ExternalCopy([...exercise.exportNames]).copyInto({ release: true }), config.outputTimeoutMs);
    if (!lookup.ok) {
      const why = lookup.failure === "escaped" ? `failed: ${lookup.message}` : lookup.failure === "memory" ? "exceeded the memory limit" : "took too long";
      return exportFailure({ kind: "module_error", message: `reading the module's exports ${why}` });
    }
    const names = exercise.exportNames.map((n) => `"${n}"`).join(" or ");
    switch (lookup.value.kind) {
      case "found":
        return { context, api };
      case "absent":
        return exportFailure({ kind: "missing", message: `the module does not export ${names}` });
      case "not_function":
        return exportFailure({ kind: "missing", message: `the export "${lookup.value.name}" is ${lookup.value.type}, not a function` });
      case "threw": {
        const taken = call<TakenResult>(sandbox, api, "takeResult", undefined, config.outputTimeoutMs);
        return exportFailure({ kind: "module_error", message: `reading the export threw: ${taken.ok && taken.value.kind === "threw" ? taken.value.message : "<unprintable thrown value>"}` });
      }
    }
  };

  const runCase = (sandbox: SubmissionIsolate, api: ivm.Reference, exercise: SandboxExercise, caseIndex: number, exerciseDeadlineAt: number): SandboxCaseResult => {
    const testCase = exercise.cases[caseIndex]!;
    const now = performance.now();
    // Whichever limit is nearest is the one a timeout is reported against.
    let limitMs = testCase.timeoutMs;
    let budget = testCase.timeoutMs;
    if (exerciseDeadlineAt - now < budget) [budget, limitMs] = [exerciseDeadlineAt - now, exercise.deadlineMs];
    if (deadlineAt - now <= budget) [budget, limitMs] = [deadlineAt - now, job.submissionDeadlineMs];
    if (budget < 1) return { kind: "timeout", limitMs };

    // A fresh copy per case: whatever the student does to its inputs cannot reach the next case.
    const args = new ivm.ExternalCopy(testCase.args).copyInto({ release: true });
    const start = performance.now();
    const ran = call<"returned" | "threw">(sandbox, api, "runCase", args, budget);
    const durationMs = round(elapsedSince(start));
    if (!ran.ok) {
      switch (ran.failure) {
        case "memory":
          return { kind: "memory_limit", limitMb: config.sandboxMemoryMb };
        case "timeout":
          return { kind: "timeout", limitMs };
        case "escaped":
          if (memoryLimitHit(sandbox)) return { kind: "memory_limit", limitMb: config.sandboxMemoryMb };
          return { kind: "threw", message: `an error escaped the call (an unhandled promise rejection?): ${ran.message}`, durationMs };
      }
    }
    if (ran.value === "threw" && memoryLimitHit(sandbox)) return { kind: "memory_limit", limitMb: config.sandboxMemoryMb };
    const taken = call<TakenResult>(sandbox, api, "takeResult", undefined, config.outputTimeoutMs);
    if (!taken.ok) {
      if (taken.failure === "memory") return { kind: "memory_limit", limitMb: config.sandboxMemoryMb };
      if (taken.failure === "escaped") return { kind: "threw", message: `an error escaped while reading the result (an unhandled promise rejection?): ${taken.message}`, durationMs };
      return ran.value === "threw"
        ? { kind: "threw", message: "<unprintable thrown value>", durationMs }
        : { kind: "bad_output", reason: `reading the returned value took longer than ${config.outputTimeoutMs} ms (a getter or Proxy trap that never returns?)`, durationMs };
    }
    const result = taken.value;
    if (result.kind === "returned") return { kind: "returned", value: result.value as never, durationMs };
    if (result.kind === "bad_output") return { kind: "bad_output", reason: result.reason, durationMs };
    return { kind: "threw", message: result.message, durationMs };
  };

  try {
    let cachedFailure: ExerciseEnd | undefined;
    for (let offset = 0; offset < job.exercises.length; offset++) {
      const exercise = job.exercises[offset]!;
      const index = job.firstIndex + offset;
      send({ t: "exercise-start", index });
      const exerciseDeadlineAt = performance.now() + exercise.deadlineMs;
      if (cachedFailure) {
        // Top-level code runs the same way in every context: don't pay its timeout again per exercise.
        send({ t: "exercise-end", index, end: cachedFailure });
        continue;
      }
      let prepared: ExerciseContext | Unprepared | undefined;
      for (let caseIndex = 0; caseIndex < exercise.cases.length; caseIndex++) {
        if (prepared === undefined) {
          if (current === undefined || current.isolate.isDisposed) current = freshIsolate();
          prepared = prepare(current, exercise, exerciseDeadlineAt);
          if (!("api" in prepared)) break;
          if (caseIndex === 0) send({ t: "module-loaded", index });
        }
        if (!("api" in prepared)) break;
        const start = performance.now();
        const result = runCase(current!, prepared.api, exercise, caseIndex, exerciseDeadlineAt);
        runMs += elapsedSince(start);
        send({ t: "case", index, caseIndex, result });
        // The memory limit disposed the isolate: the exercise's remaining cases get a fresh one.
        if (result.kind === "memory_limit") prepared = undefined;
        await deps.yieldToEventLoop();
      }
      if (prepared !== undefined && !("api" in prepared)) {
        if (prepared.sharedByAllExports) cachedFailure = prepared.end;
        send({ t: "exercise-end", index, end: prepared.end });
      } else {
        if (prepared !== undefined && !current!.isolate.isDisposed) {
          prepared.api.release();
          prepared.context.release();
        }
        send({ t: "exercise-end", index, end: { kind: "ran" } });
      }
      await deps.yieldToEventLoop();
    }
  } catch (error) {
    if (current !== undefined && !current.isolate.isDisposed) current.isolate.dispose();
    throw error;
  }
  // Reported first, disposed right after: nothing runs in between, and the grader need not wait for it.
  send({ t: "done", isolateMs: round(isolateMs), runMs: round(runMs) });
  if (current !== undefined && !current.isolate.isDisposed) current.isolate.dispose();
}

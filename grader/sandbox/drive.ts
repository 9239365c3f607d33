import type { EncodedExercises } from "./args-cache.ts";
import type { ExerciseEnd, WorkerMessage } from "./messages.ts";
import type { ExerciseObserver, SandboxCaseResult, SandboxExercise, SandboxExerciseResult, SandboxJob, SandboxResult } from "./protocol.ts";
import { FATAL_OOM_PATTERN, KILLED_FOR_OOM, type LiveWorker, type WorkerExit } from "./supervisor.ts";

export interface DriveOptions {
  readonly sandboxMemoryMb: number;
  readonly moduleTimeoutMs: number;
  readonly outputTimeoutMs: number;
  /** Added to every in-worker limit before the watchdog kills: isolate setup, IPC, scheduling. */
  readonly watchdogSlackMs: number;
  /** How exercises travel to a given worker; by default whole, arguments included. */
  readonly encodeExercises?: (worker: LiveWorker, exercises: readonly SandboxExercise[]) => EncodedExercises;
}

/** Why the worker stopped in the middle of an exercise. */
type Stop =
  | { kind: "case_watchdog" }
  | { kind: "exercise_deadline" }
  | { kind: "submission_deadline" }
  | { kind: "memory" }
  | { kind: "crash"; detail: string }
  | { kind: "shutdown" };

interface Progress {
  index: number;
  moduleLoaded: boolean;
  cases: (SandboxCaseResult | undefined)[];
}


/**
 * Runs a job on workers from `acquire`, one exercise after another, with an outer watchdog per case,
 * per exercise and per submission. A killed or dead worker costs only the exercise it was running:
 * the job resumes with the next exercise on a fresh worker. `onExercise` hears of each result as it is settled.
 */
export async function driveJob(job: SandboxJob, acquire: () => Promise<LiveWorker>, options: DriveOptions, onExercise?: ExerciseObserver): Promise<SandboxResult> {
  const started = performance.now();
  const results: (SandboxExerciseResult | undefined)[] = job.exercises.map(() => undefined);
  const settle = (index: number, result: SandboxExerciseResult) => {
    results[index] = result;
    onExercise?.(result);
  };
  const timings = { dispatchMs: 0, isolateMs: 0, runMs: 0 };
  let next = 0;
  while (next < job.exercises.length) {
    const remainingMs = job.deadlineMs - (performance.now() - started);
    if (remainingMs <= 0) {
      for (let i = next; i < job.exercises.length; i++) settle(i, allTimedOut(job.exercises[i]!, job.deadlineMs));
      break;
    }
    const acquireStart = performance.now();
    const worker = await acquire();
    next = await runSegment(worker, job, next, remainingMs, results, settle, timings, options, acquireStart);
  }
  return {
    exercises: results.map((r, i) => r ?? { id: job.exercises[i]!.id, kind: "module_error", message: "the sandbox produced no result" }),
    timings: { dispatchMs: round(timings.dispatchMs), isolateMs: timings.isolateMs, runMs: timings.runMs },
  };
}

function runSegment(
  worker: LiveWorker,
  job: SandboxJob,
  from: number,
  remainingMs: number,
  results: readonly (SandboxExerciseResult | undefined)[],
  settle: (index: number, result: SandboxExerciseResult) => void,
  timings: { dispatchMs: number; isolateMs: number; runMs: number },
  options: DriveOptions,
  acquireStart: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    let progress: Progress | undefined;
    let stop: Stop | undefined;
    let firstMessage = true;
    let stallTimer: NodeJS.Timeout | undefined;
    let exerciseTimer: NodeJS.Timeout | undefined;
    const kill = (reason: Stop) => {
      stop ??= reason;
      worker.kill(reason.kind);
    };
    const submissionTimer = setTimeout(() => kill({ kind: "submission_deadline" }), remainingMs + options.watchdogSlackMs);
    const armStall = () => {
      clearTimeout(stallTimer);
      const exercise = job.exercises[progress?.index ?? from];
      const longestCase = Math.max(0, ...(exercise?.cases.map((c) => c.timeoutMs) ?? []));
      stallTimer = setTimeout(() => kill({ kind: "case_watchdog" }), Math.max(longestCase, options.moduleTimeoutMs) + 2 * options.outputTimeoutMs + options.watchdogSlackMs);
    };
    const cleanUp = () => {
      clearTimeout(stallTimer);
      clearTimeout(exerciseTimer);
      clearTimeout(submissionTimer);
      offMessage();
      offExit();
    };
    const finish = (nextIndex: number) => {
      cleanUp();
      resolve(nextIndex);
    };

    const offMessage = worker.onMessage((message: WorkerMessage) => {
      if (firstMessage) {
        firstMessage = false;
        timings.dispatchMs += performance.now() - acquireStart;
      }
      switch (message.t) {
        case "exercise-start": {
          const exercise = job.exercises[message.index]!;
          progress = { index: message.index, moduleLoaded: false, cases: exercise.cases.map(() => undefined) };
          clearTimeout(exerciseTimer);
          exerciseTimer = setTimeout(() => kill({ kind: "exercise_deadline" }), exercise.deadlineMs + options.watchdogSlackMs);
          break;
        }
        case "module-loaded":
          if (progress) progress.moduleLoaded = true;
          break;
        case "case":
          if (progress?.index === message.index) progress.cases[message.caseIndex] = message.result;
          break;
        case "exercise-end":
          if (progress?.index === message.index) settle(message.index, finished(job.exercises[message.index]!, message.end, progress.cases));
          progress = undefined;
          clearTimeout(exerciseTimer);
          break;
        case "done":
          timings.isolateMs += message.isolateMs;
          timings.runMs += message.runMs;
          finish(job.exercises.length);
          return;
        case "ready":
          // Sent once, before the worker's first job; a segment never sees it.
          break;
      }
      armStall();
    });

    const offExit = worker.onExit((exit: WorkerExit) => {
      const reason: Stop = stop ?? diagnose(exit);
      if (reason.kind === "shutdown") {
        cleanUp();
        reject(new Error("the sandbox pool shut down before the job finished"));
        return;
      }
      // Between exercises (or before the first) the next one is charged: retrying it could loop forever.
      const index = progress?.index ?? results.findIndex((r, i) => i >= from && r === undefined);
      if (index < 0) return finish(job.exercises.length);
      const exercise = job.exercises[index]!;
      settle(index, interrupted(exercise, progress?.index === index ? progress : undefined, reason, job, options));
      if (reason.kind === "submission_deadline") {
        for (let i = index + 1; i < job.exercises.length; i++) if (results[i] === undefined) settle(i, allTimedOut(job.exercises[i]!, job.deadlineMs));
        return finish(job.exercises.length);
      }
      finish(index + 1);
    });

    armStall();
    const remaining = job.exercises.slice(from);
    const encoded = options.encodeExercises?.(worker, remaining) ?? { exercises: remaining, resetArgsCache: false };
    worker.send({ t: "job", code: job.code, ...encoded, firstIndex: from, deadlineMs: remainingMs, submissionDeadlineMs: job.deadlineMs });
  });
}

function diagnose(exit: WorkerExit): Stop {
  if (exit.killedFor === "shutdown") return { kind: "shutdown" };
  if (exit.killedFor === KILLED_FOR_OOM || FATAL_OOM_PATTERN.test(exit.stderrTail)) return { kind: "memory" };
  return { kind: "crash", detail: exit.signal ? `signal ${exit.signal}` : `exit code ${exit.code}` };
}

function finished(exercise: SandboxExercise, end: ExerciseEnd, cases: readonly (SandboxCaseResult | undefined)[]): SandboxExerciseResult {
  if (end.kind !== "ran") return { id: exercise.id, kind: end.kind, message: end.message };
  return { id: exercise.id, kind: "ran", cases: cases.map((c, i) => c ?? { kind: "timeout", limitMs: exercise.cases[i]!.timeoutMs }) };
}

function allTimedOut(exercise: SandboxExercise, limitMs: number): SandboxExerciseResult {
  return { id: exercise.id, kind: "ran", cases: exercise.cases.map(() => ({ kind: "timeout", limitMs })) };
}

/** The exercise whose worker was killed or died: finished cases stand, the rest get the reason. */
function interrupted(exercise: SandboxExercise, progress: Progress | undefined, reason: Stop, job: SandboxJob, options: DriveOptions): SandboxExerciseResult {
  if (!progress?.moduleLoaded) {
    const why: Record<Stop["kind"], string> = {
      case_watchdog: "the sandbox stopped responding while loading the module",
      exercise_deadline: `loading the module did not finish within the exercise's ${exercise.deadlineMs} ms`,
      submission_deadline: `loading the module did not finish within the submission's ${job.deadlineMs} ms`,
      memory: `loading the module exceeded the memory limit (${options.sandboxMemoryMb} MB)`,
      crash: `the sandbox worker crashed while loading the module (${reason.kind === "crash" ? reason.detail : ""})`,
      shutdown: "the sandbox pool shut down",
    };
    return { id: exercise.id, kind: "module_error", message: why[reason.kind] };
  }
  const cases = exercise.cases.map((testCase, i): SandboxCaseResult => {
    const done = progress.cases[i];
    if (done) return done;
    switch (reason.kind) {
      case "memory":
        return { kind: "memory_limit", limitMb: options.sandboxMemoryMb };
      case "exercise_deadline":
        return { kind: "timeout", limitMs: exercise.deadlineMs };
      case "submission_deadline":
        return { kind: "timeout", limitMs: job.deadlineMs };
      case "crash":
        return { kind: "threw", message: `the sandbox worker crashed while running this exercise (${reason.detail})`, durationMs: 0 };
      default:
        return { kind: "timeout", limitMs: testCase.timeoutMs };
    }
  });
  return { id: exercise.id, kind: "ran", cases };
}

const round = (ms: number) => Math.round(ms * 1000) / 1000;

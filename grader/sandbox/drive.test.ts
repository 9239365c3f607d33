import { describe, expect, it } from "vitest";
import { driveJob, type DriveOptions } from "./drive.ts";
import type { JobMessage, WorkerMessage } from "./messages.ts";
import type { SandboxJob } from "./protocol.ts";
import type { LiveWorker, WorkerExit } from "./supervisor.ts";
import { exercise } from "./testing.ts";

// The watchdog's bookkeeping, with scripted fake workers instead of processes.

type Script = (job: JobMessage, emit: (m: WorkerMessage) => void, die: (exit: Partial<WorkerExit>) => void) => void;

function fakeWorker(script: Script, log: string[]): LiveWorker {
  const messageListeners = new Set<(m: WorkerMessage) => void>();
  const exitListeners = new Set<(e: WorkerExit) => void>();
  let gone = false;
  let killedFor: string | undefined;
  const die = (exit: Partial<WorkerExit>) => {
    if (gone) return;
    gone = true;
    setImmediate(() => exitListeners.forEach((l) => l({ code: null, signal: null, killedFor, stderrTail: "", ...exit })));
  };
  return {
    pid: 1,
    alive: () => !gone,
    send: (message) => {
      const job = message as JobMessage;
      log.push(`job from ${job.firstIndex}`);
      script(job, (m) => !gone && setImmediate(() => messageListeners.forEach((l) => l(m))), die);
    },
    onMessage: (l) => (messageListeners.add(l), () => messageListeners.delete(l)),
    onExit: (l) => (exitListeners.add(l), () => exitListeners.delete(l)),
    kill: (reason) => {
      killedFor = reason;
      log.push(`killed: ${reason}`);
      die({ signal: "SIGKILL", killedFor: reason });
    },
  };
}

/** Each acquire hands out the next script's worker; the last script is reused. */
function workers(scripts: Script[], log: string[]) {
  let n = 0;
  return async () => fakeWorker(scripts[Math.min(n++, scripts.length - 1)]!, log);
}

const options: DriveOptions = { sandboxMemoryMb: 32, moduleTimeoutMs: 20, outputTimeoutMs: 10, watchdogSlackMs: 30 };

/** A well-behaved worker: every case of every exercise returns its case index. */
const honest: Script = (job, emit) => {
  job.exercises.forEach((ex, offset) => {
    const index = job.firstIndex + offset;
    emit({ t: "exercise-start", index });
    emit({ t: "module-loaded", index });
    ex.cases.forEach((_, caseIndex) => emit({ t: "case", index, caseIndex, result: { kind: "returned", value: caseIndex, durationMs: 1 } }));
    emit({ t: "exercise-end", index, end: { kind: "ran" } });
  });
  emit({ t: "done", isolateMs: 1, runMs: 2 });
};

/** Runs the first case of the first exercise, then stops answering (or dies with `exit`). */
const stallsAfterFirstCase =
  (exit?: Partial<WorkerExit>): Script =>
  (job, emit, die) => {
    emit({ t: "exercise-start", index: job.firstIndex });
    emit({ t: "module-loaded", index: job.firstIndex });
    emit({ t: "case", index: job.firstIndex, caseIndex: 0, result: { kind: "returned", value: "first", durationMs: 1 } });
    if (exit) setTimeout(() => die(exit), 5);
  };

const job = (deadlineMs = 10_000, exerciseDeadlineMs = 10_000): SandboxJob => ({
  code: "",
  deadlineMs,
  exercises: [exercise("zero_pad", [[], [], []], { timeoutMs: 10, deadlineMs: exerciseDeadlineMs }), exercise("conv_forward", [[]], { timeoutMs: 10, id: "conv_forward" })],
});

describe("driveJob", () => {
  it("collects streamed cases and timings from a worker that finishes", async () => {
    const log: string[] = [];
    const result = await driveJob(job(), workers([honest], log), options);
    expect(result.exercises.map((e) => e.kind)).toEqual(["ran", "ran"]);
    expect(result.exercises[0]).toMatchObject({ cases: [{ value: 0 }, { value: 1 }, { value: 2 }] });
    expect(result.timings).toMatchObject({ isolateMs: 1, runMs: 2 });
    expect(log).toEqual(["job from 0"]);
  });

  it.each([
    ["silent worker: the case watchdog", undefined, "case_watchdog", { kind: "timeout", limitMs: 10 }],
    ["fatal OOM report", { signal: "SIGABRT" as const, stderrTail: "<--- Last few GCs --->\n...is_heap_oom = 1" }, null, { kind: "memory_limit", limitMb: 32 }],
    ["segfault", { signal: "SIGSEGV" as const }, null, { kind: "threw", message: "the sandbox worker crashed while running this exercise (signal SIGSEGV)", durationMs: 0 }],
  ])("%s: finished cases stand, the rest get the reason, and the next exercise runs on a new worker", async (_name, exit, killReason, rest) => {
    const log: string[] = [];
    const result = await driveJob(job(), workers([stallsAfterFirstCase(exit), honest], log), options);
    expect(result.exercises[0]).toEqual({ id: "zero_pad", kind: "ran", cases: [{ kind: "returned", value: "first", durationMs: 1 }, rest, rest] });
    expect(result.exercises[1]).toMatchObject({ id: "conv_forward", kind: "ran", cases: [{ kind: "returned" }] });
    expect(log).toEqual(killReason ? ["job from 0", `killed: ${killReason}`, "job from 1"] : ["job from 0", "job from 1"]);
  });

  /** Keeps sending progress (so the case watchdog stays quiet) but never finishes the exercise. */
  const chatty: Script = (j, emit) => {
    emit({ t: "exercise-start", index: j.firstIndex });
    emit({ t: "module-loaded", index: j.firstIndex });
    const timer = setInterval(() => emit({ t: "module-loaded", index: j.firstIndex }), 5);
    setTimeout(() => clearInterval(timer), 500);
  };

  it("an exercise deadline kill reports the exercise's limit", async () => {
    const log: string[] = [];
    const result = await driveJob(job(10_000, 40), workers([chatty, honest], log), options);
    expect(result.exercises[0]).toEqual({ id: "zero_pad", kind: "ran", cases: [{ kind: "timeout", limitMs: 40 }, { kind: "timeout", limitMs: 40 }, { kind: "timeout", limitMs: 40 }] });
    expect(log).toContain("killed: exercise_deadline");
  });

  it("a submission deadline kill times out everything left, against the submission's limit", async () => {
    const log: string[] = [];
    const result = await driveJob(job(30), workers([chatty, honest], log), options);
    expect(result.exercises[1]).toEqual({ id: "conv_forward", kind: "ran", cases: [{ kind: "timeout", limitMs: 30 }] });
    expect(log).toEqual(["job from 0", "killed: submission_deadline"]);
  });

  it("a worker that hangs while loading the module costs that exercise a module_error", async () => {
    const hangsInModule: Script = (j, emit) => emit({ t: "exercise-start", index: j.firstIndex });
    const result = await driveJob(job(), workers([hangsInModule, honest], []), options);
    expect(result.exercises[0]).toMatchObject({ kind: "module_error", message: expect.stringMatching(/stopped responding while loading the module/) });
    expect(result.exercises[1]?.kind).toBe("ran");
  });

  it("a worker dying between exercises charges the next exercise once, never loops", async () => {
    const diesAtOnce: Script = (_j, _emit, die) => die({ code: 1 });
    const result = await driveJob(job(), workers([diesAtOnce], []), options);
    expect(result.exercises.map((e) => e.kind)).toEqual(["module_error", "module_error"]);
  });

  it("a shutdown kill rejects the job: infrastructure failure throws", async () => {
    const shutsDown: Script = (_j, _emit, die) => die({ killedFor: "shutdown" });
    await expect(driveJob(job(), workers([shutsDown], []), options)).rejects.toThrow(/shut down before the job finished/);
  });
});

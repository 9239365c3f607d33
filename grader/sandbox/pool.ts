import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { defaultWorkerRssMb } from "../config.ts";
import { createArgsEncoder } from "./args-cache.ts";
import { driveJob } from "./drive.ts";
import type { WorkerConfig } from "./messages.ts";
import type { ExerciseObserver, SandboxJob, SandboxPool, SandboxResult } from "./protocol.ts";
import { createWorkerSlot, type SandboxLog, type WorkerSlot } from "./supervisor.ts";

export type { SandboxLog } from "./supervisor.ts";

export interface SandboxPoolOptions {
  /** Worker processes. isolated-vm's timeout is wall time under contention, so stay near the core count. */
  readonly size?: number;
  readonly sandboxMemoryMb: number;
  /** Resident memory ceiling per worker process, watched from outside it. Default defaultWorkerRssMb(sandboxMemoryMb). */
  readonly workerRssMb?: number;
  /** How often each worker's resident memory is read. Default 50. */
  readonly rssPollMs?: number;
  /** Total elements (numbers, booleans, string chunks) one returned value may hold. */
  readonly maxOutputElements: number;
  readonly log: SandboxLog;
  /** Top-level code of the student's module, per context. Default 2000. */
  readonly moduleTimeoutMs?: number;
  /** Turning one returned or thrown value into plain data inside the isolate. Default 1000. */
  readonly outputTimeoutMs?: number;
  /** Grace on top of every in-worker limit before the watchdog kills the worker. Default 2000. */
  readonly watchdogSlackMs?: number;
  /** Default 20000: a cold worker (tsx, esbuild bundle of the helper) takes well under a second. */
  readonly startupTimeoutMs?: number;
  /** Consecutive failed starts before a job is refused. Default 5. */
  readonly maxStartupFailures?: number;
  /** The helper module's entry; defaults to grader/np/index.ts. */
  readonly helperModulePath?: string;
}

interface QueuedJob {
  readonly job: SandboxJob;
  readonly onExercise: ExerciseObserver | undefined;
  readonly queuedAt: number;
  readonly resolve: (result: SandboxResult) => void;
  readonly reject: (error: unknown) => void;
}

// From dist/ (npm run build) this file is .js and the compiled worker runs as is; from source the worker runs through tsx.
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_ENTRY = fileURLToPath(new URL(FROM_SOURCE ? "./worker.ts" : "./worker.js", import.meta.url));
const DEFAULT_HELPER = fileURLToPath(new URL("../np/index.ts", import.meta.url));

function positiveInteger(name: string, value: unknown, fallback?: number): number {
  const v = value ?? fallback;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) throw new RangeError(`createSandboxPool: ${name} must be a positive integer, got ${String(value)}`);
  return v;
}

function checkJob(job: SandboxJob): void {
  if (typeof job?.code !== "string") throw new TypeError("SandboxJob.code must be the compiled JavaScript string");
  if (!Array.isArray(job.exercises)) throw new TypeError("SandboxJob.exercises must be an array");
  positiveInteger("SandboxJob.deadlineMs", job.deadlineMs);
  for (const exercise of job.exercises) {
    positiveInteger(`deadlineMs of exercise ${exercise.id}`, exercise.deadlineMs);
    if (!Array.isArray(exercise.exportNames) || exercise.exportNames.length === 0) throw new TypeError(`exercise ${exercise.id} needs at least one export name`);
    for (const c of exercise.cases) positiveInteger(`timeoutMs of case "${c.name}" of ${exercise.id}`, c.timeoutMs);
  }
}

/**
 * The sandbox workers' V8 flags (process-wide, so the service's own process keeps its defaults).
 * Student code runs once per fresh context, so Turbofan's slow, background-thread compiles rarely
 * pay off: with Maglev alone, compiled on the worker's own thread, a burst of 1,000 model solutions
 * took 0.65x the CPU per submission and graded 1.7x as fast (`npm run bench -- burst --before`).
 * Limits and watchdogs are isolated-vm's and unaffected.
 */
export const SANDBOX_V8_FLAGS: readonly string[] = ["--no-node-snapshot", "--no-turbofan", "--no-concurrent-recompilation"];

export function createSandboxPool(options: SandboxPoolOptions): SandboxPool {
  const size = positiveInteger("size", options.size, availableParallelism());
  const moduleTimeoutMs = positiveInteger("moduleTimeoutMs", options.moduleTimeoutMs, 2000);
  const outputTimeoutMs = positiveInteger("outputTimeoutMs", options.outputTimeoutMs, 1000);
  const watchdogSlackMs = positiveInteger("watchdogSlackMs", options.watchdogSlackMs, 2000);
  const config: WorkerConfig = {
    sandboxMemoryMb: positiveInteger("sandboxMemoryMb", options.sandboxMemoryMb),
    maxOutputElements: positiveInteger("maxOutputElements", options.maxOutputElements),
    moduleTimeoutMs,
    outputTimeoutMs,
    helperModulePath: options.helperModulePath ?? DEFAULT_HELPER,
  };
  if (config.sandboxMemoryMb < 8) throw new RangeError("createSandboxPool: sandboxMemoryMb must be at least 8 (isolated-vm's minimum)");
  const workerRssMb = positiveInteger("workerRssMb", options.workerRssMb, defaultWorkerRssMb(config.sandboxMemoryMb));
  const rssPollMs = positiveInteger("rssPollMs", options.rssPollMs, 50);
  // Resolved here rather than by name so the worker starts whatever the caller's working directory.
  const execArgv = [...SANDBOX_V8_FLAGS, ...(FROM_SOURCE ? ["--import", pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href] : [])];
  const { log } = options;
  const argsEncoder = createArgsEncoder();
  const driveOptions = { sandboxMemoryMb: config.sandboxMemoryMb, moduleTimeoutMs, outputTimeoutMs, watchdogSlackMs, encodeExercises: argsEncoder.encode };

  let restarts = 0;
  let closed = false;
  const idle: WorkerSlot[] = [];
  const queue: QueuedJob[] = [];
  const running = new Set<Promise<unknown>>();
  const slots = Array.from({ length: size }, () =>
    createWorkerSlot({
      entry: WORKER_ENTRY,
      execArgv,
      config,
      log,
      startupTimeoutMs: positiveInteger("startupTimeoutMs", options.startupTimeoutMs, 20_000),
      maxStartupFailures: positiveInteger("maxStartupFailures", options.maxStartupFailures, 5),
      workerRssMb,
      rssPollMs,
      onRestart: () => {
        restarts++;
      },
    }),
  );
  for (const slot of slots) {
    idle.push(slot);
    // Warm every worker now; a failure here surfaces again (with backoff) when a job needs it.
    // A warm-up cut short by close() (a CLI run that ended first) is not a failure: people should not see it.
    void slot.acquire().catch((error: unknown) => {
      if (!closed) log.error({ err: error }, "sandbox worker could not start");
    });
  }

  const pump = () => {
    while (idle.length > 0 && queue.length > 0) {
      const slot = idle.pop()!;
      const item = queue.shift()!;
      const waitedMs = performance.now() - item.queuedAt;
      const done = driveJob(item.job, () => slot.acquire(), driveOptions, item.onExercise)
        // Time spent waiting for a free worker is part of dispatch.
        .then((result) => item.resolve({ ...result, timings: { ...result.timings, dispatchMs: Math.round((result.timings.dispatchMs + waitedMs) * 1000) / 1000 } }), item.reject)
        .finally(() => {
          running.delete(done);
          idle.push(slot);
          pump();
        });
      running.add(done);
    }
  };

  return {
    run(job, onExercise) {
      if (closed) return Promise.reject(new Error("the sandbox pool is closed"));
      try {
        checkJob(job);
      } catch (error) {
        return Promise.reject(error);
      }
      return new Promise<SandboxResult>((resolve, reject) => {
        queue.push({ job, onExercise, queuedAt: performance.now(), resolve, reject });
        pump();
      });
    },

    async close(graceMs = 10_000) {
      closed = true;
      const drained = (async () => {
        while (queue.length > 0 || running.size > 0) await Promise.allSettled([...running]);
      })();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
      clearTimeout(timer);
      for (const item of queue.splice(0)) item.reject(new Error("the sandbox pool closed before this job started"));
      await Promise.all(slots.map((slot) => slot.shutdown()));
      await Promise.allSettled([...running]);
    },

    stats() {
      return { size, busy: size - idle.length, queued: queue.length, restarts };
    },
  };
}

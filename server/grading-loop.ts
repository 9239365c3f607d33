import type { Logger } from "pino";
import { drainActive, type JobRunner } from "./queue/run-job.ts";
import { StorageUnavailableError, type Job, type LeasedQueueStorage } from "./storage/types.ts";

/** Longest pause between claims while the storage is unavailable (locked by another process). */
const MAX_UNAVAILABLE_BACKOFF_MS = 10_000;

export interface GradingLoopConfig {
  readonly gradingConcurrency: number;
  readonly leaseMs: number;
  readonly queuePollIntervalMs: number;
}

/**
 * The embedded queue: claims jobs from the SQLite table and hands each to runJob (which grades,
 * stores and tells webhooks and the LMS), then wakes waiters. Leases are renewed while grading;
 * lapsed leases (a crashed process) are requeued.
 */
export function createGradingLoop({ storage, runJob, log, config, now = Date.now }: {
  storage: LeasedQueueStorage;
  runJob: JobRunner;
  log: Logger;
  config: GradingLoopConfig;
  now?: () => number;
}) {
  const active = new Map<number, { job: Job; done: Promise<void> }>();
  const waiters = new Map<string, Set<() => void>>();
  let running = false;
  let stopping = false;
  let wake: (() => void) | null = null;
  /** A notify() that arrived while the loop was busy claiming: look again before sleeping. */
  let woken = false;
  const poke = () => {
    if (wake) wake();
    else woken = true;
  };
  let loopDone: Promise<void> = Promise.resolve();
  const timers: NodeJS.Timeout[] = [];

  const notifyWaiters = (submissionId: string) => {
    for (const resolve of waiters.get(submissionId) ?? []) resolve();
    waiters.delete(submissionId);
  };

  async function gradeJob(job: Job): Promise<void> {
    if ((await runJob(job, { stopping: () => stopping })) === "retry") await storage.releaseJob(job.jobId, job.leaseToken);
  }

  function start(job: Job): void {
    const done = gradeJob(job)
      .catch((err: unknown) => log.error({ err, submissionId: job.submissionId }, "grading loop error"))
      .finally(() => {
        active.delete(job.jobId);
        notifyWaiters(job.submissionId);
        poke();
      });
    active.set(job.jobId, { job, done });
  }

  async function loop(): Promise<void> {
    /** Doubles while the storage refuses claims, so a long lock is not retried at the poll rate. */
    let backoffMs = 0;
    while (running) {
      const free = config.gradingConcurrency - active.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const jobs = await storage.claimJobs({ limit: free, leaseMs: config.leaseMs, now: now() });
          jobs.forEach(start);
          claimed = jobs.length;
          backoffMs = 0;
        } catch (err) {
          if (err instanceof StorageUnavailableError) {
            backoffMs = Math.min(Math.max(MAX_UNAVAILABLE_BACKOFF_MS, config.queuePollIntervalMs), Math.max(config.queuePollIntervalMs, backoffMs * 2));
            woken = false;
            log.warn({ reason: err.message, retryInMs: backoffMs }, "storage unavailable: claiming paused");
          } else {
            log.error({ err }, "claiming jobs failed");
          }
        }
      }
      if ((claimed > 0 && claimed === free) || woken) {
        woken = false;
        continue;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          wake = null;
          resolve();
        }, backoffMs || config.queuePollIntervalMs);
        wake = () => {
          clearTimeout(timer);
          wake = null;
          resolve();
        };
      });
    }
  }

  async function housekeeping(): Promise<void> {
    const until = now() + config.leaseMs;
    for (const { job } of active.values()) await storage.renewLease(job.jobId, job.leaseToken, until);
    const requeued = await storage.requeueExpired(now());
    if (requeued > 0) {
      log.warn({ requeued }, "requeued jobs whose lease lapsed");
      poke();
    }
  }

  return {
    async start(): Promise<void> {
      if (running) return;
      running = true;
      const requeued = await storage.requeueExpired(now());
      if (requeued > 0) log.warn({ requeued }, "requeued jobs whose lease lapsed");
      const tick = setInterval(() => {
        // Fire and forget: the next tick tries again, and a lapsed lease is requeued either way.
        void housekeeping().catch((err: unknown) =>
          err instanceof StorageUnavailableError ? log.warn({ reason: err.message }, "lease housekeeping skipped: storage unavailable") : log.error({ err }, "lease housekeeping failed"));
      }, Math.max(100, Math.floor(config.leaseMs / 3)));
      tick.unref();
      timers.push(tick);
      loopDone = loop();
    },
    /** New work was enqueued: look now rather than at the next poll. */
    notify(): void {
      poke();
    },
    /** Resolves true when this process finishes grading the submission, false after timeoutMs. */
    waitFor(submissionId: string, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const set = waiters.get(submissionId) ?? new Set();
        const timer = setTimeout(() => {
          set.delete(done);
          resolve(false);
        }, timeoutMs);
        function done() {
          clearTimeout(timer);
          resolve(true);
        }
        set.add(done);
        waiters.set(submissionId, set);
      });
    },
    activeCount: () => active.size,
    /** Stops claiming; waits up to graceMs for jobs in progress, then puts the rest back in the queue. */
    async stop(graceMs: number): Promise<void> {
      running = false;
      stopping = true;
      for (const t of timers) clearInterval(t);
      wake?.();
      await loopDone;
      await drainActive(active, graceMs, { storage, log });
      // Requests waiting on ?wait=true answer 202 now instead of holding the shutdown open.
      for (const id of [...waiters.keys()]) notifyWaiters(id);
    },
    /** Resolves once every grading this loop started has settled (after the grader is closed). */
    async settled(): Promise<void> {
      await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
export type GradingLoop = ReturnType<typeof createGradingLoop>;

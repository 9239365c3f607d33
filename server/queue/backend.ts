import type { FastifyRateLimitStore } from "@fastify/rate-limit";
import pg from "pg";
import type { Logger } from "pino";
import type { ServerConfig } from "../config.ts";
import { createGradingLoop } from "../grading-loop.ts";
import { pgRateLimitStore } from "../rate-limit-store.ts";
import { databaseFile } from "../storage/files.ts";
import { ENQUEUED_CHANNEL, GRADED_CHANNEL, openPostgresStorage } from "../storage/postgres.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { Storage } from "../storage/types.ts";
import { pgBossEnqueue, startPgBoss, startPgBossWorkers, type PgBossWorkers } from "./pg-boss.ts";
import { createCompletionWaiter, startPgListener } from "./pg-listener.ts";
import type { JobRunner } from "./run-job.ts";

/** What the HTTP side needs of the queue: nudge it after an enqueue, and wait for one grading. */
export interface SubmissionWaiter {
  notify(): void;
  /** Resolves true once the submission is graded (by any process), false after timeoutMs. */
  waitFor(submissionId: string, timeoutMs: number): Promise<boolean>;
}

/**
 * Where submissions are stored and how their grading is queued: the embedded SQLite table polled by
 * this process, or pg-boss on PostgreSQL shared by any number of api and worker processes. The
 * service is assembled the same way over either (service.ts).
 */
export interface QueueBackend {
  readonly kind: "sqlite" | "postgres";
  readonly storage: Storage;
  readonly waiter: SubmissionWaiter;
  /** The rate limit's shared counter where several api nodes share the database; else per process. */
  readonly rateLimitStore: FastifyRateLimitStore | undefined;
  /**
   * Pending work (webhooks, LMS publications) older than this was abandoned by a process that
   * stopped, and is this process's to resume. With SQLite this process is the only one, so all of it
   * is; with PostgreSQL another live worker may be mid-retry, so only what outlived a whole retry schedule.
   */
  abandonedAfterMs(retryScheduleMs: number): number;
  /** Starts taking jobs and running them; only processes that grade call it. */
  startGrading(runJob: JobRunner): Promise<void>;
  /** Stops taking jobs, lets running ones finish for graceMs, then puts the rest back in the queue. */
  stopGrading(graceMs: number): Promise<void>;
  /** Resolves once every job this process started has settled (call after the grader is closed). */
  settled(): Promise<void>;
  /** Answers every ?wait=true still waiting (202), so a shutdown is not held open. */
  releaseWaiters(): void;
  close(): Promise<void>;
}

/** The embedded default: one process owns the SQLite file, and its grading loop is the queue. */
export function openSqliteBackend({ config, log }: { config: ServerConfig; log: Logger }): QueueBackend {
  const storage = openSqliteStorage({ file: databaseFile(config.dataDir) });
  let loop: ReturnType<typeof createGradingLoop> | null = null;
  return {
    kind: "sqlite",
    storage,
    // The app exists before grading starts, but listens only after: no request meets a null loop.
    waiter: {
      notify: () => loop?.notify(),
      waitFor: (submissionId, timeoutMs) => loop?.waitFor(submissionId, timeoutMs) ?? Promise.resolve(false),
    },
    rateLimitStore: undefined,
    abandonedAfterMs: () => 0,
    async startGrading(runJob) {
      loop = createGradingLoop({ storage, runJob, log, config });
      await loop.start();
    },
    stopGrading: async (graceMs) => {
      await loop?.stop(graceMs);
    },
    settled: async () => {
      await loop?.settled();
    },
    // stopGrading already answered them: the loop's waiters are its own.
    releaseWaiters: () => {},
    close: () => storage.close(),
  };
}

/**
 * API nodes store and enqueue (pg-boss, in the same transaction) and learn of completion by
 * LISTEN/NOTIFY plus polling; worker nodes take pg-boss jobs and grade them. Any number of each.
 */
export async function openPostgresBackend({ config, log, databaseUrl }: { config: ServerConfig; log: Logger; databaseUrl: string }): Promise<QueueBackend> {
  const serves = config.role !== "worker";
  const grades = config.role !== "api";
  const pool = new pg.Pool({ connectionString: databaseUrl, max: config.pgPoolSize, application_name: `autograde-${config.role}` });
  pool.on("error", (err) => log.error({ err }, "idle PostgreSQL connection failed"));
  const cleanup: (() => Promise<void>)[] = [() => pool.end()];
  const closeAll = async () => {
    for (const close of cleanup.reverse()) await close().catch((err: unknown) => log.error({ err }, "close failed"));
  };
  try {
    const boss = await startPgBoss({ databaseUrl, config, log: log.child({ component: "queue" }) });
    cleanup.push(() => boss.stop({ graceful: true, timeout: Math.max(1000, config.drainGraceMs) }));
    const storage = await openPostgresStorage({ pool, enqueue: pgBossEnqueue(boss, config) });
    const waiter = createCompletionWaiter({ storage, pollIntervalMs: config.queuePollIntervalMs });
    let workers: PgBossWorkers | null = null;
    const listener = await startPgListener({
      databaseUrl,
      channels: [...(serves ? [GRADED_CHANNEL] : []), ...(grades ? [ENQUEUED_CHANNEL] : [])],
      onNotify: (channel, payload) => (channel === GRADED_CHANNEL ? waiter.graded(payload) : workers?.notify()),
      log,
    });
    cleanup.push(() => listener.close());
    return {
      kind: "postgres",
      storage,
      waiter,
      rateLimitStore: serves ? pgRateLimitStore({ pool, log }) : undefined,
      abandonedAfterMs: (retryScheduleMs) => retryScheduleMs,
      async startGrading(runJob) {
        workers = await startPgBossWorkers({ boss, storage, runJob, config, log });
      },
      stopGrading: async (graceMs) => {
        await workers?.stop(graceMs);
      },
      settled: async () => {
        await workers?.settled();
      },
      releaseWaiters: () => waiter.releaseAll(),
      close: closeAll,
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

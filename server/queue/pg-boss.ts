import PgBoss from "pg-boss";
import type { Logger } from "pino";
import type { Enqueue } from "../storage/postgres.ts";
import type { ExternalQueueStorage, Job, JobMessage } from "../storage/types.ts";
import { drainActive, type JobRunner } from "./run-job.ts";

export const GRADING_QUEUE = "autograde-grading";

export interface PgQueueConfig {
  readonly leaseMs: number;
  readonly maxJobClaims: number;
  readonly queuePollIntervalMs: number;
  readonly queueMaintenanceIntervalMs: number;
  readonly gradingConcurrency: number;
  readonly grader: { readonly submissionDeadlineMs: number };
}

/**
 * pg-boss 10 has no heartbeat, so a lease cannot be renewed: it must outlast the grader's own
 * submission watchdog, or a healthy worker would lose its job mid-grading.
 */
export const leaseSecondsFor = (config: PgQueueConfig) => Math.ceil(Math.max(config.leaseMs, config.grader.submissionDeadlineMs + 5000) / 1000);

/** Starts pg-boss (its schema migrates under its own advisory lock) and makes sure the grading queue exists. */
export async function startPgBoss({ databaseUrl, config, log }: { databaseUrl: string; config: PgQueueConfig; log: Logger }): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    schedule: false,
    maintenanceIntervalSeconds: Math.max(1, Math.round(config.queueMaintenanceIntervalMs / 1000)),
    application_name: "autograde-queue",
  });
  boss.on("error", (err: unknown) => log.error({ err }, "pg-boss error"));
  await boss.start();
  if (!(await boss.getQueue(GRADING_QUEUE))) {
    try {
      await boss.createQueue(GRADING_QUEUE);
    } catch (err) {
      // Another process created it between our look and our insert.
      if (!(await boss.getQueue(GRADING_QUEUE))) throw err;
    }
  }
  return boss;
}

/**
 * Bounded tries come from pg-boss's retries: the delivery after maxJobClaims failed ones is still
 * made, and the job runner stores it as an error instead of grading it again.
 */
export function pgBossEnqueue(boss: PgBoss, config: PgQueueConfig): Enqueue {
  const options = { retryLimit: config.maxJobClaims, retryDelay: 0, expireInSeconds: leaseSecondsFor(config) };
  return async (db, message) => {
    await boss.send(GRADING_QUEUE, message, { ...options, db });
  };
}

const isJobMessage = (data: unknown): data is JobMessage =>
  typeof data === "object" && data !== null && typeof (data as JobMessage).submissionId === "string" && Number.isInteger((data as JobMessage).attempt);

/**
 * gradingConcurrency pg-boss workers, one job each. A job whose grading must be retried is put
 * back to queued in storage and failed in pg-boss, which delivers it again (to any worker).
 */
export async function startPgBossWorkers({ boss, storage, runJob, config, log }: {
  boss: PgBoss;
  storage: ExternalQueueStorage;
  runJob: JobRunner;
  config: PgQueueConfig;
  log: Logger;
}) {
  const active = new Map<string, { job: Job; done: Promise<unknown> }>();
  let stopping = false;

  async function handle(delivery: PgBoss.Job<unknown>): Promise<void> {
    if (!isJobMessage(delivery.data)) {
      log.error({ queueJobId: delivery.id }, "malformed grading message dropped");
      return;
    }
    const job = await storage.beginJob(delivery.data, delivery.id);
    if (job === null) return;
    const result = runJob(job, { stopping: () => stopping });
    active.set(delivery.id, { job, done: result });
    try {
      if ((await result) === "retry") {
        await storage.releaseJob(job.jobId, job.leaseToken);
        throw new Error("grading failed for an internal reason; pg-boss retries it");
      }
    } finally {
      active.delete(delivery.id);
    }
  }

  const workerIds: string[] = [];
  const pollingIntervalSeconds = Math.max(0.5, config.queuePollIntervalMs / 1000);
  for (let i = 0; i < config.gradingConcurrency; i++) {
    let workerId: string | undefined;
    workerId = await boss.work(GRADING_QUEUE, { batchSize: 1, pollingIntervalSeconds }, async ([delivery]) => {
      if (!delivery) return;
      try {
        await handle(delivery);
      } finally {
        // pg-boss 10 sleeps a whole polling interval after each job; under a backlog, fetch the next at once.
        if (workerId !== undefined && !stopping) boss.notifyWorker(workerId);
      }
    });
    workerIds.push(workerId);
  }

  return {
    /** Work was enqueued somewhere: fetch now rather than at the next poll. */
    notify(): void {
      for (const id of workerIds) boss.notifyWorker(id);
    },
    activeCount: () => active.size,
    /** Stops fetching; waits up to graceMs, then puts unfinished jobs back as queued (pg-boss retries them once their handler fails). */
    async stop(graceMs: number): Promise<void> {
      stopping = true;
      await boss.offWork(GRADING_QUEUE);
      await drainActive(active, graceMs, { storage, log });
    },
    async settled(): Promise<void> {
      await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
export type PgBossWorkers = Awaited<ReturnType<typeof startPgBossWorkers>>;

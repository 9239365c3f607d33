import pg from "pg";
import { PgBoss, type Job as BossJob } from "pg-boss";
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
 * The lease is pg-boss's job expiry (its queue heartbeats are not used), so it is never renewed: it
 * must outlast the grader's own submission watchdog, or a healthy worker would lose its job mid-grading.
 */
export const leaseSecondsFor = (config: PgQueueConfig) => Math.ceil(Math.max(config.leaseMs, config.grader.submissionDeadlineMs + 5000) / 1000);

/** pg-boss 10's schema (version 24): pg-boss 11 and later cannot migrate it, only start beside it. */
const V10_SCHEMA = "pgboss";
const V10_RETIRED = "pgboss_v10";
const V10_UPGRADE_LOCK = "SELECT pg_advisory_xact_lock(hashtext('autograde.pgboss-v10-upgrade'))";

async function inTransaction<T>(client: pg.Client, work: () => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work();
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

/**
 * A database a pg-boss 10 build used holds its queue in schema "pgboss" at version 24, which
 * pg-boss 12 refuses to migrate. Renamed out of the way (once, under a lock, so processes may start
 * together) the new schema installs fresh; moveV10Jobs then carries the unfinished jobs over.
 */
async function retireV10Schema(client: pg.Client, log: Logger): Promise<void> {
  await inTransaction(client, async () => {
    await client.query(V10_UPGRADE_LOCK);
    const version = await client.query(`SELECT to_regclass('${V10_SCHEMA}.version') IS NOT NULL AS installed`);
    if (!version.rows[0]?.installed) return;
    const [row] = (await client.query(`SELECT version FROM ${V10_SCHEMA}.version`)).rows as { version: number }[];
    if (row === undefined || Number(row.version) >= 25) return;
    await client.query(`ALTER SCHEMA ${V10_SCHEMA} RENAME TO ${V10_RETIRED}`);
    log.warn({ schemaVersion: row.version }, `pg-boss 10 schema found: renamed to ${V10_RETIRED}, its unfinished jobs move to the new queue`);
  });
}

/** Re-sends the retired schema's unfinished grading jobs in the same transaction that drops it, so each moves exactly once. */
async function moveV10Jobs(client: pg.Client, boss: PgBoss, config: PgQueueConfig, log: Logger): Promise<void> {
  await inTransaction(client, async () => {
    await client.query(V10_UPGRADE_LOCK);
    const retired = await client.query(`SELECT to_regclass('${V10_RETIRED}.job') IS NOT NULL AS present`);
    if (!retired.rows[0]?.present) return;
    const pending = await client.query(`SELECT data FROM ${V10_RETIRED}.job WHERE name = $1 AND state IN ('created', 'retry', 'active')`, [GRADING_QUEUE]);
    const enqueue = pgBossEnqueue(boss, config);
    const db = { executeSql: (text: string, values?: unknown[]) => client.query(text, values) };
    const messages = (pending.rows as { data: unknown }[]).map((r) => r.data).filter(isJobMessage);
    for (const message of messages) await enqueue(db, message);
    await client.query(`DROP SCHEMA ${V10_RETIRED} CASCADE`);
    log.warn({ moved: messages.length }, "pg-boss 10 jobs moved to the pg-boss 12 queue; the old schema is dropped");
  });
}

/**
 * Starts pg-boss (its schema migrates under its own advisory lock), makes sure the grading queue
 * exists, and upgrades a pg-boss 10 queue left by an older build.
 */
export async function startPgBoss({ databaseUrl, config, log }: { databaseUrl: string; config: PgQueueConfig; log: Logger }): Promise<PgBoss> {
  const admin = new pg.Client({ connectionString: databaseUrl, application_name: "autograde-queue-upgrade" });
  await admin.connect();
  try {
    await retireV10Schema(admin, log);
    const boss = await startBoss(databaseUrl, config, log);
    try {
      await moveV10Jobs(admin, boss, config, log);
    } catch (err) {
      await boss.stop({ graceful: false }).catch(() => undefined);
      throw err;
    }
    return boss;
  } finally {
    await admin.end();
  }
}

async function startBoss(databaseUrl: string, config: PgQueueConfig, log: Logger): Promise<PgBoss> {
  const lapsedCheckSeconds = Math.max(1, Math.round(config.queueMaintenanceIntervalMs / 1000));
  const boss = new PgBoss({
    connectionString: databaseUrl,
    max: 4,
    schedule: false,
    // pg-boss 12 fails lapsed jobs in its supervise pass, once per monitor interval: both are how often lapsed jobs are looked for.
    superviseIntervalSeconds: lapsedCheckSeconds,
    monitorIntervalSeconds: lapsedCheckSeconds,
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

  async function handle(delivery: BossJob<unknown>): Promise<void> {
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
    workerId = await boss.work<unknown>(GRADING_QUEUE, { batchSize: 1, pollingIntervalSeconds }, async ([delivery]) => {
      if (!delivery) return;
      try {
        await handle(delivery);
      } finally {
        // pg-boss sleeps what is left of a polling interval after each job; under a backlog, fetch the next at once.
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
      // pg-boss 12 waits for running handlers by default; the grace period is drainActive's to enforce.
      await boss.offWork(GRADING_QUEUE, { wait: false });
      await drainActive(active, graceMs, { storage, log });
    },
    async settled(): Promise<void> {
      await Promise.allSettled([...active.values()].map((a) => a.done));
    },
  };
}
export type PgBossWorkers = Awaited<ReturnType<typeof startPgBossWorkers>>;

import { join } from "node:path";
import pg from "pg";
import type { Logger } from "pino";
import type { Exercise } from "../exercises/types.ts";
import type { Grader } from "../grader/index.ts";
import { buildApp } from "./app.ts";
import type { ServerConfig } from "./config.ts";
import { createGradingLoop } from "./grading-loop.ts";
import { createToolKeyStore, type ToolKeyStore } from "./lti/key-store.ts";
import { createScorePublisher, type ScorePublisher } from "./lti/publisher.ts";
import { createMetrics } from "./metrics.ts";
import { pgBossEnqueue, startPgBoss, startPgBossWorkers, type PgBossWorkers } from "./queue/pg-boss.ts";
import { createCompletionWaiter, startPgListener } from "./queue/pg-listener.ts";
import { createJobRunner } from "./queue/run-job.ts";
import { ENQUEUED_CHANNEL, GRADED_CHANNEL, openPostgresStorage } from "./storage/postgres.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import type { LeasedQueueStorage, Storage } from "./storage/types.ts";
import { webhookPayload } from "./views.ts";
import { createWebhookSender, type WebhookSender } from "./webhooks.ts";

export const databaseFile = (dataDir: string) => join(dataDir, "autograde.sqlite");

/** The embedded SQLite storage (the default service). */
export function openStorage(config: Pick<ServerConfig, "dataDir">): LeasedQueueStorage {
  return openSqliteStorage({ file: databaseFile(config.dataDir) });
}

/**
 * The storage the service is configured for, for tools that never enqueue (the CLI's `keys`):
 * PostgreSQL when DATABASE_URL is set, else the embedded SQLite file. close() ends its connections.
 */
export async function openAdminStorage(config: Pick<ServerConfig, "dataDir" | "databaseUrl">): Promise<Storage> {
  if (!config.databaseUrl) return openStorage(config);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1, application_name: "autograde-admin" });
  try {
    const storage = await openPostgresStorage({
      pool,
      enqueue: async () => {
        throw new Error("the admin storage does not enqueue grading");
      },
    });
    return { ...storage, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
}

function scorePublisher({ storage, toolKeys, exercises, config, log, fetchImpl }: {
  storage: Storage;
  toolKeys: ToolKeyStore;
  exercises: readonly Exercise[];
  config: ServerConfig;
  log: Logger;
  fetchImpl: typeof fetch | undefined;
}): ScorePublisher {
  return createScorePublisher({
    storage, signer: toolKeys, exercises, config, log: log.child({ component: "lti" }),
    ...(fetchImpl ? { fetchImpl } : {}),
  });
}

/** What grading needs; absent only for the api role, which runs no isolates. */
export interface GradingDeps {
  grader: Grader;
  /** Ends grading in progress (the sandbox pool's close); called once unfinished jobs are requeued. */
  closeGrader: () => Promise<void>;
  workerRestarts: () => number;
}

interface ServiceDeps extends Partial<GradingDeps> {
  config: ServerConfig;
  log: Logger;
  exercises: readonly Exercise[];
  fetchImpl?: typeof fetch;
}

export interface Service {
  /** null for the worker role, which serves no HTTP. */
  readonly url: string | null;
  stop(): Promise<void>;
}

/**
 * The service in the configured mode: embedded (SQLite, in-process queue, role all) or scale-out
 * (DATABASE_URL: PostgreSQL, pg-boss, role api | worker | all). main.ts supplies the real grader;
 * the bench can supply its own.
 */
export async function startService(deps: ServiceDeps): Promise<Service> {
  return deps.config.databaseUrl === undefined ? startEmbedded(deps, requireGrading(deps)) : startScaleOut(deps, deps.config.databaseUrl);
}

function requireGrading(deps: ServiceDeps): GradingDeps {
  const { grader, closeGrader, workerRestarts } = deps;
  if (!grader || !closeGrader || !workerRestarts) throw new Error(`role ${deps.config.role} grades submissions: pass grader, closeGrader and workerRestarts`);
  return { grader, closeGrader, workerRestarts };
}

/**
 * stop() drains in order: refuse new work, finish or requeue grading, close the grader, close
 * HTTP, abandon webhook retries, close storage.
 */
async function startEmbedded({ config, log, exercises, fetchImpl }: ServiceDeps, { grader, closeGrader, workerRestarts }: GradingDeps): Promise<Service> {
  const storage = openStorage(config);
  const metrics = createMetrics({ queueDepth: () => storage.queueDepth(), workerRestarts });
  const webhooks = createWebhookSender({ config, storage, log, metrics, ...(fetchImpl ? { fetchImpl } : {}) });
  const toolKeys = await createToolKeyStore({ storage, activationDelayMs: config.ltiKeyActivationDelayMs });
  const scores = scorePublisher({ storage, toolKeys, exercises, config, log, fetchImpl });
  const loop = createGradingLoop({ storage, grader, webhooks, scores, metrics, log, config });
  let draining = false;
  const app = await buildApp({ config, storage, queue: loop, exercises, metrics, log, toolKeys, draining: () => draining });
  await loop.start();
  // One process owns this database: whatever it left pending is safe to send again.
  const resumed = await scores.resumePending(0);
  if (resumed > 0) log.warn({ resumed }, "resumed LMS score publications left pending by the previous run");
  const url = await app.listen({ port: config.port, host: config.host });
  log.info({ url, dataDir: config.dataDir, gradingConcurrency: config.gradingConcurrency }, "autograde listening");

  let stopped: Promise<void> | null = null;
  return {
    url,
    stop(): Promise<void> {
      stopped ??= (async () => {
        draining = true;
        log.info({ graceMs: config.drainGraceMs }, "draining");
        await loop.stop(config.drainGraceMs);
        await closeGrader();
        await loop.settled();
        await app.close();
        await Promise.all([webhooks.stop(), scores.stop()]);
        await storage.close();
        log.info("stopped");
      })();
      return stopped;
    },
  };
}

/**
 * Other workers may be delivering their own pending webhooks right now; only those older than a
 * whole retry schedule were abandoned (their worker died), so only those are sent again.
 */
async function resumeAbandonedWebhooks({ storage, webhooks, config, log }: {
  storage: Storage;
  webhooks: WebhookSender;
  config: ServerConfig;
  log: Logger;
}): Promise<void> {
  let retryWindowMs = 0;
  for (let n = 1; n <= config.webhookMaxAttempts; n++) retryWindowMs += config.webhookTimeoutMs + config.webhookInitialBackoffMs * 2 ** (n - 1);
  let resumed = 0;
  for (const pending of await storage.pendingWebhooks()) {
    const record = await storage.getSubmission(pending.submissionId);
    if (!record?.latest || record.latest.attempt !== pending.gradingAttempt || Date.now() - record.latest.finishedAt < retryWindowMs) continue;
    webhooks.deliver({ submissionId: pending.submissionId, gradingAttempt: pending.gradingAttempt, url: pending.callbackUrl, payload: webhookPayload(record) });
    resumed++;
  }
  if (resumed > 0) log.warn({ resumed }, "resumed webhooks abandoned by a stopped worker");
}

/** AGS requests time out after 10 s; backoff doubles from ltiPublishInitialBackoffMs (capped at 10 s). */
function publishRetryWindowMs(config: ServerConfig): number {
  let total = 0;
  for (let n = 1; n <= config.ltiPublishMaxAttempts; n++) total += 2 * 10_000 + Math.min(10_000, config.ltiPublishInitialBackoffMs * 2 ** (n - 1));
  return total;
}

/**
 * API nodes store, enqueue (pg-boss, in the same transaction) and learn of completion by
 * LISTEN/NOTIFY plus polling; worker nodes take pg-boss jobs and grade them. Any number of each.
 */
async function startScaleOut(deps: ServiceDeps, databaseUrl: string): Promise<Service> {
  const { config, log, exercises, fetchImpl } = deps;
  const serves = config.role !== "worker";
  const grading = config.role === "api" ? null : requireGrading(deps);
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
    const metrics = createMetrics({ queueDepth: () => storage.queueDepth(), workerRestarts: grading?.workerRestarts ?? (() => 0) });
    const waiter = createCompletionWaiter({ storage, pollIntervalMs: config.queuePollIntervalMs });
    let workers: PgBossWorkers | null = null;
    const listener = await startPgListener({
      databaseUrl,
      channels: [...(serves ? [GRADED_CHANNEL] : []), ...(grading ? [ENQUEUED_CHANNEL] : [])],
      onNotify: (channel, payload) => (channel === GRADED_CHANNEL ? waiter.graded(payload) : workers?.notify()),
      log,
    });
    cleanup.push(() => listener.close());
    const webhooks = createWebhookSender({ config, storage, log, metrics, ...(fetchImpl ? { fetchImpl } : {}) });
    const toolKeys = await createToolKeyStore({ storage, activationDelayMs: config.ltiKeyActivationDelayMs });
    const scores = scorePublisher({ storage, toolKeys, exercises, config, log, fetchImpl });

    let draining = false;
    const app = serves ? await buildApp({ config, storage, queue: waiter, exercises, metrics, log, toolKeys, draining: () => draining }) : null;
    if (grading) {
      const runJob = createJobRunner({ storage, grader: grading.grader, webhooks, scores, metrics, log, maxJobClaims: config.maxJobClaims });
      workers = await startPgBossWorkers({ boss, storage, runJob, config, log });
    }
    if (grading) {
      resumeAbandonedWebhooks({ storage, webhooks, config, log }).catch((err: unknown) => log.error({ err }, "resuming webhooks failed"));
      // Another worker may be publishing its own right now: only those older than a whole retry schedule were abandoned.
      scores.resumePending(publishRetryWindowMs(config))
        .then((resumed) => resumed > 0 && log.warn({ resumed }, "resumed LMS score publications abandoned by a stopped worker"))
        .catch((err: unknown) => log.error({ err }, "resuming score publications failed"));
    }
    const url = app ? await app.listen({ port: config.port, host: config.host }) : null;
    const fields = { role: config.role, storage: "postgres", gradingConcurrency: grading ? config.gradingConcurrency : 0 };
    if (url) log.info({ url, ...fields }, "autograde listening");
    else log.info(fields, "autograde worker ready");

    let stopped: Promise<void> | null = null;
    return {
      url,
      stop(): Promise<void> {
        stopped ??= (async () => {
          draining = true;
          log.info({ graceMs: config.drainGraceMs }, "draining");
          if (workers) await workers.stop(config.drainGraceMs);
          if (grading) await grading.closeGrader();
          await workers?.settled();
          waiter.releaseAll();
          await app?.close();
          await Promise.all([webhooks.stop(), scores.stop()]);
          await closeAll();
          log.info("stopped");
        })();
        return stopped;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}

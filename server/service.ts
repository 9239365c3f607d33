import pg from "pg";
import type { Logger } from "pino";
import type { Exercise } from "../exercises/types.ts";
import type { Grader } from "../grader/index.ts";
import { buildApp } from "./app.ts";
import type { ServerConfig } from "./config.ts";
import { createToolKeyStore } from "./lti/key-store.ts";
import { createScorePublisher, type ScorePublisher } from "./lti/publisher.ts";
import { createMetrics } from "./metrics.ts";
import { openPostgresBackend, openSqliteBackend, type QueueBackend } from "./queue/backend.ts";
import { createJobRunner } from "./queue/run-job.ts";
import { databaseFile } from "./storage/files.ts";
import { openPostgresAdminStorage } from "./storage/postgres-admin.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import type { AdminStorage, LeasedQueueStorage, Storage } from "./storage/types.ts";
import { webhookPayload } from "./views.ts";
import { createWebhookSender, type WebhookSender } from "./webhooks.ts";

export { databaseFile } from "./storage/files.ts";

/** The embedded SQLite storage (the default service). */
export function openStorage(config: Pick<ServerConfig, "dataDir">): LeasedQueueStorage {
  return openSqliteStorage({ file: databaseFile(config.dataDir) });
}

/**
 * The storage the service is configured for, for tools that never enqueue (the CLI's `keys`):
 * PostgreSQL when DATABASE_URL is set, else the embedded SQLite file. close() ends its connections.
 */
export async function openAdminStorage(config: Pick<ServerConfig, "dataDir" | "databaseUrl">): Promise<AdminStorage> {
  if (!config.databaseUrl) return openStorage(config);
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 1, application_name: "autograde-admin" });
  try {
    const storage = await openPostgresAdminStorage({ pool });
    return { ...storage, close: () => pool.end() };
  } catch (error) {
    await pool.end();
    throw error;
  }
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
  /**
   * Serving HTTP with no key anyone could sign in with (no AUTOGRADE_API_KEYS and no active stored
   * key), as checked at start: a first start, whose operator must create a staff key.
   */
  readonly noKeys: boolean;
  stop(): Promise<void>;
}

function requireGrading(deps: ServiceDeps): GradingDeps {
  const { grader, closeGrader, workerRestarts } = deps;
  if (!grader || !closeGrader || !workerRestarts) throw new Error(`role ${deps.config.role} grades submissions: pass grader, closeGrader and workerRestarts`);
  return { grader, closeGrader, workerRestarts };
}

/**
 * The service in the configured mode, assembled once over either queue backend: embedded (SQLite,
 * its grading loop, role all) or scale-out (DATABASE_URL: PostgreSQL and pg-boss, role api | worker
 * | all). main.ts supplies the real grader; the benches can supply their own. A failed start undoes
 * whatever it had started. stop() drains in order: refuse new work, finish or requeue grading,
 * close the grader, close HTTP, abandon webhook and LMS retries (they stay pending), close storage.
 */
export async function startService(deps: ServiceDeps): Promise<Service> {
  const { config, log, exercises, fetchImpl } = deps;
  const grading = config.role === "api" ? null : requireGrading(deps);
  let draining = false;
  // Filled in as start-up goes; stopAll undoes whatever was started, on stop() and on a failed start alike.
  let backend: QueueBackend | null = null;
  let app: Awaited<ReturnType<typeof buildApp>> | null = null;
  let background: { webhooks: WebhookSender; scores: ScorePublisher } | null = null;
  const stopAll = async () => {
    draining = true;
    await backend?.stopGrading(config.drainGraceMs);
    if (grading) await grading.closeGrader();
    await backend?.settled();
    backend?.releaseWaiters();
    await app?.close();
    if (background) await Promise.all([background.webhooks.stop(), background.scores.stop()]);
    await backend?.close();
  };

  try {
    backend = config.databaseUrl === undefined ? openSqliteBackend({ config, log }) : await openPostgresBackend({ config, log, databaseUrl: config.databaseUrl });
    const { storage } = backend;
    const metrics = createMetrics({ queueDepth: () => storage.queueDepth(), workerRestarts: grading?.workerRestarts ?? (() => 0) });
    const webhooks = createWebhookSender({ config, storage, log, metrics, ...(fetchImpl ? { fetchImpl } : {}) });
    const toolKeys = await createToolKeyStore({ storage, activationDelayMs: config.ltiKeyActivationDelayMs });
    const scores = createScorePublisher({ storage, signer: toolKeys, exercises, config, log: log.child({ component: "lti" }), ...(fetchImpl ? { fetchImpl } : {}) });
    background = { webhooks, scores };
    if (config.role !== "worker") {
      app = await buildApp({ config, storage, queue: backend.waiter, rateLimitStore: backend.rateLimitStore, exercises, metrics, log, toolKeys, draining: () => draining, rescored: scores });
    }
    if (grading) {
      await backend.startGrading(createJobRunner({ storage, grader: grading.grader, webhooks, scores, metrics, log, maxJobClaims: config.maxJobClaims }));
      resumeAbandonedWork({ backend, webhooks, scores, config, log });
    }
    const url = app ? await app.listen({ port: config.port, host: config.host }) : null;
    const noKeys = url !== null && config.apiKeys.length === 0 && !(await storage.listApiKeys()).some((key) => key.revokedAt === null);
    const fields = { role: config.role, storage: backend.kind, gradingConcurrency: grading ? config.gradingConcurrency : 0, ...(backend.kind === "sqlite" ? { dataDir: config.dataDir } : {}) };
    if (url) log.info({ url, ...fields }, "autograde listening");
    else log.info(fields, "autograde worker ready");

    let stopped: Promise<void> | null = null;
    return {
      url,
      noKeys,
      stop(): Promise<void> {
        stopped ??= (async () => {
          log.info({ graceMs: config.drainGraceMs }, "draining");
          await stopAll();
          log.info("stopped");
        })();
        return stopped;
      },
    };
  } catch (err) {
    await stopAll().catch((closeErr: unknown) => log.error({ err: closeErr }, "cleaning up after a failed start failed"));
    throw err;
  }
}

/**
 * The one resumption rule, for webhooks and LMS score publications alike: pending work is resent
 * when it was abandoned (older than the backend says; with SQLite, all of it) and, for a webhook,
 * only when its grading is still the submission's latest, so a superseded grading is never sent.
 */
function resumeAbandonedWork({ backend, webhooks, scores, config, log }: {
  backend: QueueBackend;
  webhooks: WebhookSender;
  scores: ScorePublisher;
  config: ServerConfig;
  log: Logger;
}): void {
  // Fire and forget: start-up goes on; a failure is logged and the work stays pending for the next start.
  void resumeAbandonedWebhooks({ storage: backend.storage, webhooks, olderThanMs: backend.abandonedAfterMs(webhookRetryScheduleMs(config)), log })
    .catch((err: unknown) => log.error({ err }, "resuming webhooks failed"));
  void scores.resumePending(backend.abandonedAfterMs(publishRetryScheduleMs(config)))
    .then((resumed) => resumed > 0 && log.warn({ resumed }, "resumed LMS score publications left pending by a stopped process"))
    .catch((err: unknown) => log.error({ err }, "resuming score publications failed"));
}

async function resumeAbandonedWebhooks({ storage, webhooks, olderThanMs, log }: {
  storage: Storage;
  webhooks: WebhookSender;
  olderThanMs: number;
  log: Logger;
}): Promise<void> {
  let resumed = 0;
  for (const pending of await storage.pendingWebhooks()) {
    const record = await storage.getSubmission(pending.submissionId);
    if (!record?.latest || record.latest.attempt !== pending.gradingAttempt || Date.now() - record.latest.finishedAt < olderThanMs) continue;
    webhooks.deliver({ submissionId: pending.submissionId, gradingAttempt: pending.gradingAttempt, url: pending.callbackUrl, payload: webhookPayload(record) });
    resumed++;
  }
  if (resumed > 0) log.warn({ resumed }, "resumed webhooks left pending by a stopped process");
}

/** Every attempt's timeout plus the doubling backoff before it: longer than this, a delivery was abandoned. */
function webhookRetryScheduleMs(config: ServerConfig): number {
  let total = 0;
  for (let n = 1; n <= config.webhookMaxAttempts; n++) total += config.webhookTimeoutMs + config.webhookInitialBackoffMs * 2 ** (n - 1);
  return total;
}

/** AGS requests time out after 10 s; backoff doubles from ltiPublishInitialBackoffMs (capped at 10 s). */
function publishRetryScheduleMs(config: ServerConfig): number {
  let total = 0;
  for (let n = 1; n <= config.ltiPublishMaxAttempts; n++) total += 2 * 10_000 + Math.min(10_000, config.ltiPublishInitialBackoffMs * 2 ** (n - 1));
  return total;
}

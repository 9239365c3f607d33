import { join } from "node:path";
import type { Logger } from "pino";
import type { Exercise } from "../exercises/types.ts";
import type { Grader } from "../grader/index.ts";
import { buildApp } from "./app.ts";
import type { ServerConfig } from "./config.ts";
import { createGradingLoop } from "./grading-loop.ts";
import { createMetrics } from "./metrics.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import type { Storage } from "./storage/types.ts";
import { createWebhookSender } from "./webhooks.ts";

export const databaseFile = (dataDir: string) => join(dataDir, "autograde.sqlite");

export function openStorage(config: Pick<ServerConfig, "dataDir">): Storage {
  return openSqliteStorage({ file: databaseFile(config.dataDir) });
}

/**
 * The whole embedded service: storage, grading loop, webhooks and the HTTP app, listening.
 * main.ts supplies the real grader; the bench can supply its own. stop() drains in order: refuse
 * new work, finish or requeue grading, close the grader, close HTTP, abandon webhook retries,
 * close storage.
 */
export async function startService({ config, log, grader, closeGrader, exercises, workerRestarts, fetchImpl }: {
  config: ServerConfig;
  log: Logger;
  grader: Grader;
  /** Ends grading in progress (the sandbox pool's close); called once unfinished jobs are requeued. */
  closeGrader: () => Promise<void>;
  exercises: readonly Exercise[];
  workerRestarts: () => number;
  fetchImpl?: typeof fetch;
}) {
  const storage = openStorage(config);
  const metrics = createMetrics({ queueDepth: () => storage.queueDepth(), workerRestarts });
  const webhooks = createWebhookSender({ config, storage, log, metrics, ...(fetchImpl ? { fetchImpl } : {}) });
  const loop = createGradingLoop({ storage, grader, webhooks, metrics, log, config });
  let draining = false;
  const app = await buildApp({ config, storage, queue: loop, exercises, metrics, log, draining: () => draining });
  await loop.start();
  const url = await app.listen({ port: config.port, host: config.host });
  log.info({ url, dataDir: config.dataDir, gradingConcurrency: config.gradingConcurrency }, "autograde listening");

  let stopped: Promise<void> | null = null;
  return {
    app,
    url,
    storage,
    stop(): Promise<void> {
      stopped ??= (async () => {
        draining = true;
        log.info({ graceMs: config.drainGraceMs }, "draining");
        await loop.stop(config.drainGraceMs);
        await closeGrader();
        await loop.settled();
        await app.close();
        await webhooks.stop();
        await storage.close();
        log.info("stopped");
      })();
      return stopped;
    },
  };
}
export type Service = Awaited<ReturnType<typeof startService>>;

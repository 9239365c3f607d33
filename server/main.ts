import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { exercises } from "../exercises/index.ts";
import { createLocalGrader } from "../grader/local.ts";
import { ConfigError, loadServerConfig, type ServerConfig } from "./config.ts";
import { startService, type Service } from "./service.ts";

/**
 * `npm start` and `autograde serve`: config from the environment, then the service in its mode
 * and role. Grading runs in the sandbox pool's child processes (started with --no-node-snapshot);
 * this process never loads isolated-vm. SIGTERM/SIGINT drain and exit 0; a second signal exits at once.
 */
export async function main(env: NodeJS.ProcessEnv = process.env): Promise<void> {
  let config: ServerConfig;
  try {
    config = loadServerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`autograde: ${err.message}\n`);
      process.exit(1);
    }
    throw err;
  }
  const log = pino({
    level: config.logLevel,
    base: { service: "autograde", pid: process.pid },
    redact: ["req.headers.authorization", "headers.authorization"],
  });
  if (config.apiKeys.length === 0) log.warn("AUTOGRADE_API_KEYS is empty: only keys created with `autograde keys create` can sign in");

  // The api role grades nothing, so it starts no sandbox pool: no isolates, no worker children.
  const local = config.role === "api" ? null : createLocalGrader({ config: config.grader, log: log.child({ component: "grader" }), sandboxLog: log.child({ component: "sandbox" }) });
  let service: Service;
  try {
    service = await startService({
      config,
      log,
      exercises,
      ...(local ? { grader: local.grader, closeGrader: () => local.close(0), workerRestarts: () => local.pool.stats().restarts } : {}),
    });
  } catch (err) {
    // startService has closed whatever it started, the grader included.
    log.fatal({ err }, "start-up failed");
    process.exit(1);
  }

  let signals = 0;
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      log.warn({ signal }, "second signal: exiting without draining");
      process.exit(1);
    }
    log.info({ signal }, "shutting down");
    service
      .stop()
      .then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, "shutdown failed");
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

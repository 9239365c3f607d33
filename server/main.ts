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
  if (service.noKeys) {
    const command = firstKeyCommand(config);
    log.info({ command }, "no API keys yet: nobody can sign in until a staff key is created");
    process.stderr.write(`autograde: no API keys yet, so nobody can sign in. Create a staff key (it prints the secret once; sign in with it):\n  ${command}\n`);
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

/** The `keys create` that reaches this server's store: the same database URL, or the same data directory. */
export function firstKeyCommand(config: Pick<ServerConfig, "dataDir" | "databaseUrl">): string {
  const create = "npm run -s autograde -- keys create --role staff --name <your-name>";
  return config.databaseUrl === undefined ? `${create} --data-dir ${shellWord(config.dataDir)}` : `DATABASE_URL=<this server's DATABASE_URL> ${create}`;
}

/** Quoted for a POSIX shell unless it is plainly safe as is. */
const shellWord = (word: string) => (/^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`);

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}

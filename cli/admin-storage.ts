import { ConfigError, loadServerConfig, type ServerConfig } from "../server/config.ts";
import { openAdminStorage } from "../server/service.ts";
import type { AdminStorage } from "../server/storage/types.ts";
import { UsageError } from "./usage.ts";

/** The service's configuration as the admin commands see it; a bad variable is the caller's usage error. */
export function configFrom(command: string, env: NodeJS.ProcessEnv): ServerConfig {
  try {
    return loadServerConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`${command}: ${err.message}`);
    throw err;
  }
}

/**
 * Runs `use` against the service's database (PostgreSQL when DATABASE_URL is set, else SQLite under
 * AUTOGRADE_DATA_DIR; `--data-dir` forces SQLite there) and closes it afterwards.
 */
export async function withAdminStorage<T>(command: string, env: NodeJS.ProcessEnv, dataDirFlag: string | undefined, use: (storage: AdminStorage) => Promise<T>): Promise<T> {
  const config = configFrom(command, env);
  const storage = await openAdminStorage({
    dataDir: dataDirFlag ?? config.dataDir,
    databaseUrl: dataDirFlag === undefined ? config.databaseUrl : undefined,
  });
  try {
    return await use(storage);
  } finally {
    await storage.close();
  }
}

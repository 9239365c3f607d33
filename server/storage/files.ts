import { join } from "node:path";

/** The embedded SQLite database inside the data directory (AUTOGRADE_DATA_DIR). */
export const databaseFile = (dataDir: string) => join(dataDir, "autograde.sqlite");

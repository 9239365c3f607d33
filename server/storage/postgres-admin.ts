import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createCourseStorage, numbered, type SqlRunner } from "./course-sql.ts";
import { createPostgresLtiStorage } from "./postgres-lti.ts";
import { toKey, type Row } from "./rows.ts";
import { migrationsFor } from "./schema.ts";
import type { AdminStorage, KeyStorage, StorageLifecycle } from "./types.ts";

/**
 * The parts of the PostgreSQL storage that need no queue: API keys, LTI, readiness. Admin tools
 * (the CLI's `keys`, `lti`) open only these, so they need no pg-boss and cannot enqueue grading.
 */
export async function openPostgresAdminStorage({ pool }: { pool: pg.Pool }): Promise<AdminStorage> {
  await migratePostgres(pool);
  return { ...createPostgresLtiStorage(pool), ...postgresKeyStorage(pool), ...createCourseStorage(postgresRunner(pool)) };
}

/** The course storage's SQL on PostgreSQL: its `?` placeholders numbered, a batch in one transaction. */
export function postgresRunner(pool: pg.Pool): SqlRunner {
  return {
    async all(text, values = []) {
      return (await pool.query(numbered(text), [...values])).rows as Row[];
    },
    async run(text, values = []) {
      return (await pool.query(numbered(text), [...values])).rowCount ?? 0;
    },
    async batch(steps) {
      return inTransaction(pool, async (client) => {
        let changes = 0;
        for (const step of steps) changes += (await client.query(numbered(step.text), [...step.values])).rowCount ?? 0;
        return changes;
      });
    },
  };
}

/** Runs `work` on one client inside BEGIN … COMMIT, rolled back if it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    const result = await work(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/** API keys, health, and a close that leaves the caller's pool open. */
export function postgresKeyStorage(pool: pg.Pool): KeyStorage & StorageLifecycle {
  const rows = async (text: string, values: unknown[] = []) => (await pool.query(text, values)).rows as Row[];
  return {
    async createApiKey({ role, name, secretHash, now }) {
      const id = `key_${randomBytes(8).toString("hex")}`;
      await pool.query("INSERT INTO api_keys (id, role, name, secret_hash, created_at) VALUES ($1, $2, $3, $4, $5)", [id, role, name, secretHash, now]);
      return { id, role, name, createdAt: now, revokedAt: null };
    },
    async findApiKeyByHash(secretHash) {
      const [row] = await rows("SELECT * FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL", [secretHash]);
      return row ? toKey(row) : null;
    },
    async revokeApiKey(idOrName, now) {
      return (await pool.query("UPDATE api_keys SET revoked_at = $1 WHERE (id = $2 OR name = $2) AND revoked_at IS NULL", [now, idOrName])).rowCount ?? 0;
    },
    async listApiKeys() {
      return (await rows("SELECT * FROM api_keys ORDER BY created_at, id")).map(toKey);
    },
    async health() {
      try {
        await pool.query("SELECT 1");
        return { ok: true } as const;
      } catch (err) {
        return { ok: false, reason: `PostgreSQL is unreachable: ${err instanceof Error ? err.message : String(err)}` } as const;
      }
    },
    async close() {
      // The pool belongs to the caller (pg-boss and the listener share the database, not this pool's lifetime).
    },
  };
}

const MIGRATIONS = migrationsFor("postgres");

/** The advisory lock serialises processes that start together; the loser sees the work done. */
export async function migratePostgres(pool: pg.Pool): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('autograde.schema'))");
    await client.query("CREATE TABLE IF NOT EXISTS autograde_schema (version INTEGER NOT NULL)");
    const [row] = (await client.query("SELECT version FROM autograde_schema")).rows as { version: number }[];
    const current = row?.version ?? 0;
    if (current > MIGRATIONS.length) {
      throw new Error(`database schema version ${current} is newer than this build knows (${MIGRATIONS.length})`);
    }
    for (let version = current; version < MIGRATIONS.length; version++) await client.query(MIGRATIONS[version]!);
    if (row) await client.query("UPDATE autograde_schema SET version = $1", [MIGRATIONS.length]);
    else await client.query("INSERT INTO autograde_schema (version) VALUES ($1)", [MIGRATIONS.length]);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import pg from "pg";

export const TEST_DATABASE_ENV = "AUTOGRADE_TEST_DATABASE_URL";

/**
 * The server the PostgreSQL tests use. Unset is a failure, not a skip: CI sets it (scripts/ci-postgres.sh),
 * and a developer without PostgreSQL should see why these tests did not run.
 */
export function testDatabaseUrl(): string {
  const url = process.env[TEST_DATABASE_ENV];
  if (!url) {
    throw new Error(
      `${TEST_DATABASE_ENV} is not set: the PostgreSQL tests need a server whose user may CREATE DATABASE. ` +
        `Start one with \`sudo scripts/ci-postgres.sh\` (it prints the export line), or point it at your own: ` +
        `export ${TEST_DATABASE_ENV}=postgres://autograde:autograde@127.0.0.1:5432/autograde`,
    );
  }
  return url;
}

export interface TestDatabase {
  readonly url: string;
  /** A pool on this database (as its owner), ended by drop() if the test has not ended it. */
  pool(max: number): pg.Pool;
  drop(): Promise<void>;
}

const DROP_ATTEMPTS = 10;

/**
 * Worth another try: 55006, "database ... is being accessed by other users" (a backend still exiting),
 * and 42501, "must be a member of the role whose process is being terminated or member of
 * pg_signal_backend", which WITH (FORCE) raises for a backend it may not end, such as an autovacuum
 * worker (scripts/ci-postgres.sh grants pg_signal_backend; another server may not have).
 */
const retryableDrop = (err: unknown) => {
  const code = (err as { code?: unknown }).code;
  return code === "55006" || code === "42501";
};

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, application_name: "autograde-test-admin" });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database per suite, so suites never see each other's rows. The test role creates (and so owns)
 * it and every connection to it uses that role, so dropping it (WITH FORCE, after closing the pools
 * made here) only ever ends the role's own backends; what still refuses is retried.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = testDatabaseUrl();
  const name = `autograde_test_${randomBytes(6).toString("hex")}`;
  await withAdmin(adminUrl, (admin) => admin.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const pools = new Set<pg.Pool>();
  return {
    url: url.toString(),
    pool(max) {
      const pool = testPool(url.toString(), max);
      pools.add(pool);
      return pool;
    },
    async drop() {
      await Promise.all([...pools].filter((pool) => !pool.ended).map((pool) => pool.end()));
      for (let attempt = 1; ; attempt++) {
        try {
          await withAdmin(adminUrl, (admin) => admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
          return;
        } catch (err) {
          if (attempt >= DROP_ATTEMPTS || !retryableDrop(err)) throw err;
          await sleep(100 * attempt);
        }
      }
    },
  };
}

/** A pool for tests; dropping the database (WITH FORCE) terminates its idle connections, which is expected. */
export function testPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on("error", (err: Error & { code?: string }) => {
    if (err.code !== "57P01") throw err;
  });
  return pool;
}

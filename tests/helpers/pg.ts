import { randomBytes } from "node:crypto";
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

/** A fresh database per suite, so suites never see each other's rows; dropped (connections forced off) after. */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const adminUrl = testDatabaseUrl();
  const name = `autograde_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
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

import { readFileSync } from "node:fs";
import pg from "pg";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../../tests/helpers/pg.ts";
import { GRADING_QUEUE, leaseSecondsFor, startPgBoss, type PgQueueConfig } from "./pg-boss.ts";

const config: PgQueueConfig = {
  leaseMs: 30_000,
  maxJobClaims: 3,
  queuePollIntervalMs: 1000,
  queueMaintenanceIntervalMs: 10_000,
  gradingConcurrency: 1,
  grader: { submissionDeadlineMs: 120_000 },
};
const log = pino({ level: "silent" });

describe("pg-boss 10 → 12 upgrade", () => {
  let database: TestDatabase;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    pool = database.pool(2);
    // A queue as a pg-boss 10 build left it: one job of each state on the grading queue, one on another queue.
    await pool.query(readFileSync(new URL("./fixtures/pgboss-v10.sql", import.meta.url), "utf8"));
  });
  afterAll(() => database.drop());

  it("moves the unfinished grading jobs to the new queue once, though processes start together, and drops the old schema", async () => {
    const bosses = await Promise.all([1, 2, 3].map(() => startPgBoss({ databaseUrl: database.url, config, log })));
    try {
      const { rows } = await pool.query("SELECT data, retry_limit, expire_seconds FROM pgboss.job WHERE name = $1 ORDER BY data->>'submissionId'", [GRADING_QUEUE]);
      expect(rows).toEqual(
        [{ submissionId: "sub-queued", attempt: 2 }, { submissionId: "sub-retry", attempt: 1 }, { submissionId: "sub-running", attempt: 1 }].map((data) => ({
          data,
          retry_limit: config.maxJobClaims,
          expire_seconds: leaseSecondsFor(config),
        })),
      );
      const { rows: [schemas] } = await pool.query("SELECT to_regnamespace('pgboss_v10') AS retired, (SELECT version FROM pgboss.version) AS version");
      expect(schemas.retired).toBeNull();
      expect(Number(schemas.version)).toBeGreaterThan(24);
    } finally {
      await Promise.all(bosses.map((boss) => boss.stop({ graceful: false })));
    }
  });

  it("a later start finds nothing to upgrade", async () => {
    const boss = await startPgBoss({ databaseUrl: database.url, config, log });
    await boss.stop({ graceful: false });
    const { rows } = await pool.query("SELECT COUNT(*)::int AS n FROM pgboss.job WHERE name = $1", [GRADING_QUEUE]);
    expect(rows).toEqual([{ n: 3 }]);
  });
});

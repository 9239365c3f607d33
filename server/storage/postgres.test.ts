import { randomUUID } from "node:crypto";
import pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/helpers/pg.ts";
import { shippedMigrations } from "./fixtures/shipped.ts";
import { migrationsFor } from "./schema.ts";
import { registration } from "./lti-contract.ts";
import { openPostgresAdminStorage } from "./postgres-admin.ts";
import { openPostgresStorage, type Enqueue } from "./postgres.ts";
import { storageContract, submission } from "./storage-contract.ts";
import type { ExternalQueueStorage, JobMessage } from "./types.ts";

/** Stands in for pg-boss: records what was enqueued, and can fail to prove the enqueue shares the transaction. */
function recordingQueue() {
  const messages: JobMessage[] = [];
  let failNext = false;
  const enqueue: Enqueue = async (db, message) => {
    await db.executeSql("SELECT 1");
    if (failNext) {
      failNext = false;
      throw new Error("queue unavailable");
    }
    messages.push(message);
  };
  return { messages, enqueue, failNextEnqueue: () => (failNext = true) };
}

storageContract("postgres", {
  async open() {
    const database = await createTestDatabase();
    const queue = recordingQueue();
    const pools: pg.Pool[] = [];
    const open = async () => {
      const pool = database.pool(3);
      pools.push(pool);
      return openPostgresStorage({ pool, enqueue: queue.enqueue });
    };
    return {
      storage: await open(),
      reopen: open,
      async takeJobs(storage, limit) {
        const jobs = [];
        for (const message of queue.messages.splice(0, limit)) {
          const job = await (storage as ExternalQueueStorage).beginJob(message, randomUUID());
          if (job) jobs.push(job);
        }
        return jobs;
      },
      async release(storage, job) {
        await storage.releaseJob(job.jobId, job.leaseToken);
        queue.messages.push({ submissionId: job.submissionId, attempt: job.attempt });
      },
      async dispose() {
        for (const pool of pools) await pool.end();
        await database.drop();
      },
    };
  },
});

/** A fresh database and one pool on it for `use`, dropped afterwards. */
async function withPool(max: number, use: (pool: pg.Pool) => Promise<void>): Promise<void> {
  const database = await createTestDatabase();
  const pool = database.pool(max);
  try {
    await use(pool);
  } finally {
    await pool.end();
    await database.drop();
  }
}

describe("postgres storage specifics", () => {
  it("migrates once when several processes start at the same time", async () => {
    const database = await createTestDatabase();
    const pools = Array.from({ length: 4 }, () => database.pool(2));
    try {
      const { enqueue } = recordingQueue();
      const opened = await Promise.all(pools.map((pool) => openPostgresStorage({ pool, enqueue })));
      expect(opened).toHaveLength(4);
      const { rows } = await pools[0]!.query("SELECT version FROM autograde_schema");
      expect(rows).toEqual([{ version: migrationsFor("postgres").length }]);
    } finally {
      for (const pool of pools) await pool.end();
      await database.drop();
    }
  });

  it("a database from before LTI (schema version 1) upgrades in place and keeps its submissions", () =>
    withPool(2, async (pool) => {
      // As the build that shipped schema 1 left it: its one entry applied, and the count recorded.
      await pool.query(shippedMigrations("postgres")[0]!);
      await pool.query("CREATE TABLE autograde_schema (version INTEGER NOT NULL); INSERT INTO autograde_schema (version) VALUES (1)");
      await pool.query(`INSERT INTO submissions (id, student, submitted_by, source, request_hash, created_at)
        VALUES ('kept', 'alice', 'alice', 'export const x = 1;', 'h', 1)`);
      const upgraded = await openPostgresStorage({ pool, enqueue: recordingQueue().enqueue });
      expect((await upgraded.getSubmission("kept"))?.student).toBe("alice");
      expect(await upgraded.createLtiRegistration(registration())).toMatchObject({ issuer: registration().issuer });
      const { rows } = await pool.query("SELECT version FROM autograde_schema");
      expect(rows).toEqual([{ version: migrationsFor("postgres").length }]);
      expect((await pool.query("SELECT to_regclass('rate_limit_windows') AS t")).rows).toEqual([{ t: "rate_limit_windows" }]);
    }));

  it("admin tools open it without a queue: keys and LTI on the migrated schema, and nothing that enqueues", () =>
    withPool(2, async (pool) => {
      const admin = await openPostgresAdminStorage({ pool });
      const key = await admin.createApiKey({ role: "staff", name: "prof", secretHash: "hash", now: 1 });
      expect(await admin.findApiKeyByHash("hash")).toEqual(key);
      expect(await admin.createLtiRegistration(registration())).toMatchObject({ issuer: registration().issuer });
      expect("createSubmission" in admin || "enqueueRegrade" in admin).toBe(false);
      expect((await pool.query("SELECT version FROM autograde_schema")).rows).toEqual([{ version: migrationsFor("postgres").length }]);
      // The full storage opened later on the same database sees what the admin tool stored.
      const storage = await openPostgresStorage({ pool, enqueue: recordingQueue().enqueue });
      expect(await storage.listApiKeys()).toEqual([key]);
    }));

  it("enqueues in the submission's transaction: a failed enqueue stores nothing", () =>
    withPool(2, async (pool) => {
      const queue = recordingQueue();
      const storage = await openPostgresStorage({ pool, enqueue: queue.enqueue });
      queue.failNextEnqueue();
      await expect(storage.createSubmission(submission(), { maxQueueDepth: 10 })).rejects.toThrow("queue unavailable");
      expect((await storage.listSubmissions({ limit: 10 })).items).toEqual([]);
      expect(await storage.queueDepth()).toEqual({ queued: 0, running: 0 });
    }));

  it("a duplicate delivery of a stored attempt begins nothing, and concurrent idempotent requests create one submission", () =>
    withPool(6, async (pool) => {
      const queue = recordingQueue();
      const storage = await openPostgresStorage({ pool, enqueue: queue.enqueue });
      const results = await Promise.all(
        Array.from({ length: 5 }, () => storage.createSubmission(submission({ idempotencyKey: "same", requestHash: "h" }), { maxQueueDepth: 10 })),
      );
      expect(results.filter((r) => r.kind === "created")).toHaveLength(1);
      expect(results.filter((r) => r.kind === "replayed")).toHaveLength(4);
      expect(queue.messages).toHaveLength(1);

      const message = queue.messages[0]!;
      const job = await storage.beginJob(message, "delivery-1");
      await storage.completeJob(job!, { status: "error", error: "x" }, { startedAt: 1, finishedAt: 2 });
      expect(await storage.beginJob(message, "delivery-2")).toBeNull();
      expect(await storage.beginJob({ submissionId: "missing", attempt: 1 }, "delivery-3")).toBeNull();
    }));
});

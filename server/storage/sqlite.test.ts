import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { shippedMigrations } from "./fixtures/shipped.ts";
import { migrationsFor } from "./schema.ts";
import { openSqliteStorage } from "./sqlite.ts";
import { fakeReport, storageContract, submission } from "./storage-contract.ts";
import { StorageUnavailableError, type LeasedQueueStorage } from "./types.ts";

const limits = { maxQueueDepth: 100 };
const registration = {
  issuer: "https://lms.example.edu",
  clientId: "client-1",
  deploymentIds: ["dep-1"],
  authLoginUrl: "https://lms.example.edu/auth",
  authTokenUrl: "https://lms.example.edu/token",
  jwksUrl: "https://lms.example.edu/jwks",
};

storageContract("sqlite", {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), "autograde-storage-"));
    const file = join(dir, "db", "autograde.sqlite");
    const storage = openSqliteStorage({ file });
    const handles = [storage];
    return {
      storage,
      async reopen() {
        const again = openSqliteStorage({ file });
        handles.push(again);
        return again;
      },
      takeJobs: (s, limit) => (s as LeasedQueueStorage).claimJobs({ limit, leaseMs: 60_000, now: Date.now() }),
      release: (s, job) => s.releaseJob(job.jobId, job.leaseToken),
      async dispose() {
        for (const h of handles) await h.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
});

describe("sqlite storage leases", () => {
  let dir: string;
  let storage: LeasedQueueStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "autograde-storage-"));
    storage = openSqliteStorage({ file: join(dir, "db", "autograde.sqlite") });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("claims with a lease, requeues a lapsed lease, and stores one grading per attempt", async () => {
    const created = await storage.createSubmission(submission(), limits);
    if (created.kind !== "created") throw new Error(created.kind);
    const [first] = await storage.claimJobs({ limit: 4, leaseMs: 100, now: 2000 });
    expect(first).toMatchObject({ submissionId: created.submission.id, attempt: 1, claims: 1 });
    expect((await storage.getSubmission(created.submission.id))?.status).toBe("running");
    expect(await storage.claimJobs({ limit: 4, leaseMs: 100, now: 2050 })).toEqual([]);
    expect(await storage.requeueExpired(2050)).toBe(0);
    expect(await storage.requeueExpired(2101)).toBe(1);
    const [second] = await storage.claimJobs({ limit: 4, leaseMs: 100, now: 2200 });
    expect(second?.claims).toBe(2);

    // The crashed holder's late error is not recorded; both finished reports collapse to one row.
    expect(await storage.completeJob(first!, { status: "error", error: "boom" }, { startedAt: 1, finishedAt: 2 })).toBe(false);
    expect(await storage.completeJob(second!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 })).toBe(true);
    expect(await storage.completeJob(first!, { status: "graded", report: fakeReport(3) }, { startedAt: 1, finishedAt: 2 })).toBe(false);
    const gradings = await storage.listGradings(created.submission.id);
    expect(gradings.map((g) => [g.attempt, g.report?.score])).toEqual([[1, 10]]);
    expect(await storage.queueDepth()).toEqual({ queued: 0, running: 0 });
  });

  it("a database from before LTI (schema version 1) upgrades in place and keeps its submissions", async () => {
    const file = join(dir, "v1.sqlite");
    const old = new Database(file);
    old.exec(shippedMigrations("sqlite")[0]!);
    old.pragma("user_version = 1");
    old.prepare(`INSERT INTO submissions (id, student, submitted_by, source, request_hash, created_at)
      VALUES ('kept', 'alice', 'alice', 'export const x = 1;', 'h', 1)`).run();
    old.close();
    const upgraded = openSqliteStorage({ file });
    try {
      expect((await upgraded.getSubmission("kept"))?.student).toBe("alice");
      expect(await upgraded.createLtiRegistration({ ...registration, now: 1 })).toMatchObject({ issuer: registration.issuer });
    } finally {
      await upgraded.close();
    }
    const reopened = new Database(file);
    expect(reopened.pragma("user_version", { simple: true })).toBe(migrationsFor("sqlite").length);
    reopened.close();
  });

  it("a database from before courses files its submissions under default/default, staff keys' ones out of the gradebook", async () => {
    const file = join(dir, "v3.sqlite");
    const old = new Database(file);
    shippedMigrations("sqlite").slice(0, 3).forEach((entry) => old.exec(entry));
    old.pragma("user_version = 3");
    old.prepare("INSERT INTO api_keys (id, role, name, secret_hash, created_at) VALUES ('key_ta', 'staff', 'ta', 'x', 1)").run();
    const insert = old.prepare(`INSERT INTO submissions (id, student, submitted_by, source, request_hash, created_at) VALUES (?, ?, ?, 'export {};', 'h', 1)`);
    for (const [id, student, by] of [["s1", "alice", "key_alice"], ["s2", "prof", "env:staff:prof"], ["s3", "ta", "key_ta"]]) insert.run(id, student, by);
    old.close();
    const upgraded = openSqliteStorage({ file });
    try {
      expect(await upgraded.getSubmission("s1")).toMatchObject({ course: "default", assignment: "default", late: null, submitterRole: null });
      expect((await upgraded.getSubmission("s2"))?.submitterRole).toBe("instructor");
      expect((await upgraded.getSubmission("s3"))?.submitterRole).toBe("instructor");
      expect(await upgraded.getCourse("default")).toMatchObject({ id: "default" });
    } finally {
      await upgraded.close();
    }
  });
});

describe("sqlite storage when the file is locked or gone", () => {
  let dir: string;
  let file: string;
  let storage: LeasedQueueStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "autograde-storage-"));
    file = join(dir, "autograde.sqlite");
    storage = openSqliteStorage({ file });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("another connection's exclusive lock is a typed StorageUnavailableError and an unhealthy storage, until released", async () => {
    const other = new Database(file);
    other.exec("BEGIN EXCLUSIVE");
    try {
      await expect(storage.createSubmission(submission(), limits)).rejects.toBeInstanceOf(StorageUnavailableError);
      await expect(storage.claimJobs({ limit: 1, leaseMs: 1000, now: 1 })).rejects.toThrow(/locked by another process/);
      // Reads go on under the lock (WAL), so readiness must ask whether a write could start.
      expect(await storage.queueDepth()).toEqual({ queued: 0, running: 0 });
      expect(await storage.health()).toEqual({ ok: false, reason: expect.stringMatching(/locked by another process/) });
    } finally {
      other.exec("ROLLBACK");
      other.close();
    }
    expect(await storage.health()).toEqual({ ok: true });
    expect((await storage.createSubmission(submission(), limits)).kind).toBe("created");
  });

  it("a deleted or replaced file refuses every call and says so", async () => {
    await storage.createSubmission(submission(), limits);
    rmSync(file);
    expect(await storage.health()).toEqual({ ok: false, reason: expect.stringContaining(`${file} was deleted`) });
    await expect(storage.createSubmission(submission(), limits)).rejects.toBeInstanceOf(StorageUnavailableError);
    await expect(storage.queueDepth()).rejects.toThrow(/was deleted/);
    writeFileSync(`${file}.new`, "");
    renameSync(`${file}.new`, file);
    expect(await storage.health()).toEqual({ ok: false, reason: expect.stringContaining("was replaced") });
  });
});

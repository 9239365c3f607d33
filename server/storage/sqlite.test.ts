import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Report } from "../../grader/report.ts";
import { openSqliteStorage } from "./sqlite.ts";
import type { NewSubmission, Storage } from "./types.ts";

function fakeReport(score: number, id: "zero_pad" | "distribute_value" = "zero_pad"): Report {
  return {
    score,
    maxScore: 10,
    exercises: [{ id, title: id, score, maxScore: 10, status: score === 10 ? "passed" : "partial", cases: [] }],
    diagnostics: [],
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

function submission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    student: "alice",
    submittedBy: "alice",
    source: "export const x = 1;",
    exercises: ["zero_pad"],
    callbackUrl: null,
    idempotencyKey: null,
    requestHash: "h1",
    now: 1000,
    ...overrides,
  };
}

const limits = { maxQueueDepth: 100 };

describe("sqlite storage", () => {
  let dir: string;
  let file: string;
  let storage: Storage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "autograde-storage-"));
    file = join(dir, "db", "autograde.sqlite");
    storage = openSqliteStorage({ file });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("stores a submission queued with its job, and it survives reopening", async () => {
    const created = await storage.createSubmission(submission(), limits);
    expect(created.kind).toBe("created");
    if (created.kind !== "created") return;
    await storage.close();
    storage = openSqliteStorage({ file });
    const again = await storage.getSubmission(created.submission.id);
    expect(again).toMatchObject({ status: "queued", student: "alice", exercises: ["zero_pad"], attempt: 1, latest: null });
    expect(await storage.getSource(created.submission.id)).toBe("export const x = 1;");
    expect(await storage.queueDepth()).toEqual({ queued: 1, running: 0 });
  });

  it("replays the same idempotency key with the same body and refuses a different body", async () => {
    const first = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "a" }), limits);
    const replay = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "a" }), limits);
    const conflict = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "b" }), limits);
    const otherKeyHolder = await storage.createSubmission(
      submission({ idempotencyKey: "k", requestHash: "b", submittedBy: "bob", student: "bob" }),
      limits,
    );
    expect(first.kind).toBe("created");
    expect(replay.kind).toBe("replayed");
    if (first.kind === "created" && replay.kind === "replayed") expect(replay.submission.id).toBe(first.submission.id);
    expect(conflict.kind).toBe("idempotency_conflict");
    expect(otherKeyHolder.kind).toBe("created");
  });

  it("refuses new work when the queue is full", async () => {
    await storage.createSubmission(submission(), { maxQueueDepth: 1 });
    expect((await storage.createSubmission(submission(), { maxQueueDepth: 1 })).kind).toBe("queue_full");
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

  it("regrades keep history and the gradebook takes each submission's latest graded attempt", async () => {
    const a = await storage.createSubmission(submission(), limits);
    const b = await storage.createSubmission(submission({ exercises: ["distribute_value"] }), limits);
    if (a.kind !== "created" || b.kind !== "created") throw new Error("not created");
    for (const job of await storage.claimJobs({ limit: 4, leaseMs: 1000, now: 1 })) {
      const id = job.submissionId === a.submission.id ? "zero_pad" : "distribute_value";
      await storage.completeJob(job, { status: "graded", report: fakeReport(4, id) }, { startedAt: 1, finishedAt: 2 });
    }
    expect(await storage.enqueueRegrade("missing", 5)).toBeNull();
    expect(await storage.enqueueBulkRegrade({ exercise: "zero_pad" }, 5)).toBe(1);
    expect(await storage.enqueueRegrade(a.submission.id, 6)).toEqual({ attempt: 2, queued: false });
    const [job] = await storage.claimJobs({ limit: 4, leaseMs: 1000, now: 7 });
    expect(job).toMatchObject({ submissionId: a.submission.id, attempt: 2 });
    await storage.completeJob(job!, { status: "graded", report: fakeReport(9) }, { startedAt: 8, finishedAt: 9 });

    expect((await storage.listGradings(a.submission.id)).map((g) => g.report?.score)).toEqual([4, 9]);
    expect(await storage.gradebook()).toEqual([
      { student: "alice", exercise: "distribute_value", score: 4, maxScore: 10 },
      { student: "alice", exercise: "zero_pad", score: 9, maxScore: 10 },
    ]);
  });

  it("filters and pages submissions newest first", async () => {
    for (const [student, now] of [["alice", 10], ["bob", 20], ["alice", 30], ["alice", 40]] as const) {
      await storage.createSubmission(submission({ student, submittedBy: student, now }), limits);
    }
    const page1 = await storage.listSubmissions({ student: "alice", limit: 2 });
    expect(page1.items.map((s) => s.createdAt)).toEqual([40, 30]);
    const page2 = await storage.listSubmissions({ student: "alice", limit: 2, cursor: page1.nextCursor! });
    expect(page2.items.map((s) => s.createdAt)).toEqual([10]);
    expect(page2.nextCursor).toBeNull();
    expect((await storage.listSubmissions({ since: 20, until: 40, limit: 10 })).items.map((s) => s.createdAt)).toEqual([30, 20]);
    expect((await storage.listSubmissions({ exercise: "conv_forward", limit: 10 })).items).toEqual([]);
  });

  it("keeps a callback pending until its delivery finishes, so a restart can send it again", async () => {
    const created = await storage.createSubmission(submission({ callbackUrl: "http://127.0.0.1:1/hook" }), limits);
    if (created.kind !== "created") throw new Error(created.kind);
    const [job] = await storage.claimJobs({ limit: 1, leaseMs: 1000, now: 1 });
    await storage.completeJob(job!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 });
    expect(await storage.pendingWebhooks()).toEqual([
      { submissionId: created.submission.id, gradingAttempt: 1, callbackUrl: "http://127.0.0.1:1/hook" },
    ]);
    await storage.markWebhookDone(created.submission.id, 1, "delivered");
    expect(await storage.pendingWebhooks()).toEqual([]);
  });

  it("creates, finds and revokes API keys by hash", async () => {
    const key = await storage.createApiKey({ role: "student", name: "carol", secretHash: "abc", now: 1 });
    expect(await storage.findApiKeyByHash("abc")).toMatchObject({ id: key.id, name: "carol", role: "student" });
    expect(await storage.revokeApiKey("carol", 2)).toBe(1);
    expect(await storage.findApiKeyByHash("abc")).toBeNull();
    expect((await storage.listApiKeys())[0]?.revokedAt).toBe(2);
  });
});

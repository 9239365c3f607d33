import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeReport, submission, type OpenedStorage, type StorageHarness } from "./contract-fixtures.ts";
import { courseStorageContract } from "./course-contract.ts";
import { ltiStorageContract } from "./lti-contract.ts";
import type { Storage } from "./types.ts";

export { fakeReport, submission, type OpenedStorage, type StorageHarness } from "./contract-fixtures.ts";

const limits = { maxQueueDepth: 100 };

/** The behaviour both storages promise, run against each (sqlite.test.ts, postgres.test.ts). */
export function storageContract(name: string, harness: StorageHarness): void {
  describe(`${name} storage contract`, () => {
    let opened: OpenedStorage;
    let storage: Storage;
    const extra: Storage[] = [];
    const take = (limit: number) => opened.takeJobs(storage, limit);
    beforeEach(async () => {
      opened = await harness.open();
      storage = opened.storage;
    });
    afterEach(async () => {
      for (const s of extra.splice(0)) await s.close();
      await opened.dispose();
    });

    it("stores a submission queued with its job, and it survives reopening", async () => {
      const created = await storage.createSubmission(submission(), limits);
      if (created.kind !== "created") throw new Error(created.kind);
      const again = await opened.reopen();
      extra.push(again);
      expect(await again.getSubmission(created.submission.id)).toMatchObject({ status: "queued", student: "alice", exercises: ["zero_pad"], attempt: 1, latest: null });
      expect(await again.getSource(created.submission.id)).toBe("export const x = 1;");
      expect(await again.queueDepth()).toEqual({ queued: 1, running: 0 });
      expect(await again.getSubmission("no-such-id")).toBeNull();
    });

    it("replays the same idempotency key with the same body and refuses a different body", async () => {
      const first = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "a" }), limits);
      const replay = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "a" }), limits);
      const conflict = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "b" }), limits);
      const otherKeyHolder = await storage.createSubmission(submission({ idempotencyKey: "k", requestHash: "b", submittedBy: "bob", student: "bob" }), limits);
      expect(first.kind).toBe("created");
      expect(replay.kind).toBe("replayed");
      if (first.kind === "created" && replay.kind === "replayed") expect(replay.submission.id).toBe(first.submission.id);
      expect(conflict.kind).toBe("idempotency_conflict");
      expect(otherKeyHolder.kind).toBe("created");
    });

    it("refuses new work when the queue is full", async () => {
      await storage.createSubmission(submission(), { maxQueueDepth: 1 });
      expect(await storage.createSubmission(submission(), { maxQueueDepth: 1 })).toEqual({ kind: "queue_full", depth: 1 });
    });

    it("caps one submitter's ungraded submissions inside the storing transaction; regrades and replays do not count", async () => {
      const capped = { maxQueueDepth: 100, maxQueuedPerSubmitter: 2 };
      // Concurrent requests: a count taken outside the transaction would let several past the cap.
      const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => storage.createSubmission(submission({ requestHash: `r${i}` }), capped)));
      expect(burst.filter((r) => r.kind === "created")).toHaveLength(2);
      expect(burst.filter((r) => r.kind !== "created")).toEqual(Array.from({ length: 4 }, () => ({ kind: "too_many_queued", queued: 2, max: 2 })));
      expect(await storage.queueDepth()).toEqual({ queued: 2, running: 0 });

      // Another submitter has a cap of their own; no cap (a staff key) is no cap.
      const bob = submission({ student: "bob", submittedBy: "bob", idempotencyKey: "kb", requestHash: "b" });
      expect((await storage.createSubmission(bob, { maxQueueDepth: 100, maxQueuedPerSubmitter: 1 })).kind).toBe("created");
      expect((await storage.createSubmission(bob, { maxQueueDepth: 100, maxQueuedPerSubmitter: 1 })).kind).toBe("replayed");
      expect(await storage.createSubmission({ ...bob, idempotencyKey: null }, { maxQueueDepth: 100, maxQueuedPerSubmitter: 1 })).toEqual({ kind: "too_many_queued", queued: 1, max: 1 });
      expect((await storage.createSubmission(submission({ student: "prof", submittedBy: "prof" }), { maxQueueDepth: 100, maxQueuedPerSubmitter: null })).kind).toBe("created");

      // Running is still ungraded; once graded the slot is free, and a staff regrade of it takes none.
      const [job] = await take(1);
      expect(job?.student).toBe("alice");
      expect((await storage.createSubmission(submission(), capped)).kind).toBe("too_many_queued");
      await storage.completeJob(job!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 });
      expect(await storage.enqueueRegrade(job!.submissionId, 3)).toEqual({ attempt: 2, queued: true });
      expect((await storage.createSubmission(submission(), capped)).kind).toBe("created");
      expect(await storage.createSubmission(submission(), capped)).toEqual({ kind: "too_many_queued", queued: 2, max: 2 });
    });

    it("reports itself healthy", async () => {
      expect(await storage.health()).toEqual({ ok: true });
    });

    it("marks a taken job running and stores one grading per attempt, refusing a stale holder's error", async () => {
      const created = await storage.createSubmission(submission(), limits);
      if (created.kind !== "created") throw new Error(created.kind);
      const [job] = await take(4);
      expect(job).toMatchObject({ submissionId: created.submission.id, student: "alice", attempt: 1, claims: 1, source: "export const x = 1;", exercises: ["zero_pad"] });
      expect((await storage.getSubmission(created.submission.id))?.status).toBe("running");
      expect(await storage.queueDepth()).toEqual({ queued: 0, running: 1 });
      expect(await take(4)).toEqual([]);

      const stale = { ...job!, leaseToken: "someone-else" };
      expect(await storage.completeJob(stale, { status: "error", error: "boom" }, { startedAt: 1, finishedAt: 2 })).toBe(false);
      expect(await storage.completeJob(job!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 })).toBe(true);
      expect(await storage.completeJob(stale, { status: "graded", report: fakeReport(3) }, { startedAt: 1, finishedAt: 2 })).toBe(false);
      expect((await storage.listGradings(created.submission.id)).map((g) => [g.attempt, g.status, g.report?.score])).toEqual([[1, "graded", 10]]);
      expect(await storage.getSubmission(created.submission.id)).toMatchObject({ status: "graded", latest: { attempt: 1, startedAt: 1, finishedAt: 2 } });
      expect(await storage.queueDepth()).toEqual({ queued: 0, running: 0 });
    });

    it("shows a running attempt's recorded progress to another handle, only from the current claim, and drops it on release and once stored", async () => {
      const created = await storage.createSubmission(submission({ exercises: ["zero_pad", "distribute_value"] }), limits);
      if (created.kind !== "created") throw new Error(created.kind);
      const id = created.submission.id;
      expect(created.submission.progress).toBeNull();
      const [first] = await take(1);
      expect((await storage.getSubmission(id))?.progress).toBeNull();

      const halfway = { exercises: [
        { id: "zero_pad", state: "graded", score: 7.5, maxScore: 10 },
        { id: "distribute_value", state: "running", maxScore: 10 },
      ] } as const;
      expect(await storage.recordProgress(first!, halfway)).toBe(true);
      const reader = await opened.reopen();
      extra.push(reader);
      expect(await reader.getSubmission(id)).toMatchObject({ status: "running", progress: halfway });
      expect((await reader.listSubmissions({ limit: 5 })).items[0]?.progress).toEqual(halfway);
      expect(await storage.recordProgress({ ...first!, leaseToken: "someone-else" }, { exercises: [] })).toBe(false);
      expect((await reader.getSubmission(id))?.progress).toEqual(halfway);

      await opened.release(storage, first!);
      expect(await reader.getSubmission(id)).toMatchObject({ status: "queued", progress: null });
      expect(await storage.recordProgress(first!, halfway)).toBe(false);
      const [second] = await take(1);
      expect((await reader.getSubmission(id))?.progress).toBeNull();
      expect(await storage.recordProgress(second!, halfway)).toBe(true);
      await storage.completeJob(second!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 });
      expect(await reader.getSubmission(id)).toMatchObject({ status: "graded", progress: null });
      expect(await storage.recordProgress(second!, halfway)).toBe(false);
    });

    it("released jobs are taken again with the claim counted", async () => {
      await storage.createSubmission(submission(), limits);
      const [first] = await take(1);
      await opened.release(storage, first!);
      expect(await storage.queueDepth()).toEqual({ queued: 1, running: 0 });
      const [second] = await opened.takeJobs(storage, 1);
      expect(second?.claims).toBe(2);
    });

    it("regrades keep history and the gradebook takes each submission's latest graded attempt", async () => {
      const a = await storage.createSubmission(submission(), limits);
      const b = await storage.createSubmission(submission({ exercises: ["distribute_value"] }), limits);
      if (a.kind !== "created" || b.kind !== "created") throw new Error("not created");
      for (const job of await take(4)) {
        const id = job.submissionId === a.submission.id ? "zero_pad" : "distribute_value";
        await storage.completeJob(job, { status: "graded", report: fakeReport(4, id) }, { startedAt: 1, finishedAt: 2 });
      }
      expect(await storage.enqueueRegrade("missing", 5)).toBeNull();
      expect(await storage.enqueueBulkRegrade({ exercise: "zero_pad" }, 5)).toBe(1);
      expect(await storage.enqueueRegrade(a.submission.id, 6)).toEqual({ attempt: 2, queued: false });
      const [job] = await take(4);
      expect(job).toMatchObject({ submissionId: a.submission.id, attempt: 2 });
      await storage.completeJob(job!, { status: "graded", report: fakeReport(9) }, { startedAt: 8, finishedAt: 9 });
      expect(await storage.enqueueRegrade(b.submission.id, 10)).toEqual({ attempt: 2, queued: true });

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
      expect((await storage.listSubmissions({ exercise: "zero_pad", limit: 10 })).items).toHaveLength(4);
      await expect(storage.listSubmissions({ limit: 2, cursor: "bogus" })).rejects.toThrow(/cursor/);
    });

    it("keeps a callback pending until its delivery finishes, and records deliveries", async () => {
      const created = await storage.createSubmission(submission({ callbackUrl: "http://127.0.0.1:1/hook" }), limits);
      if (created.kind !== "created") throw new Error(created.kind);
      const [job] = await take(1);
      await storage.completeJob(job!, { status: "graded", report: fakeReport(10) }, { startedAt: 1, finishedAt: 2 });
      expect(await storage.pendingWebhooks()).toEqual([{ submissionId: created.submission.id, gradingAttempt: 1, callbackUrl: "http://127.0.0.1:1/hook" }]);
      const delivery = { attempt: 1, gradingAttempt: 1, url: "http://127.0.0.1:1/hook", statusCode: 500, error: null, at: 3, durationMs: 4 };
      await storage.recordDelivery(created.submission.id, delivery);
      expect(await storage.listDeliveries(created.submission.id)).toEqual([delivery]);
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
  ltiStorageContract(name, harness);
  courseStorageContract(name, harness);
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SubmissionRejectedError, type Grader } from "../grader/index.ts";
import type { Report } from "../grader/report.ts";
import { createGradingLoop } from "./grading-loop.ts";
import { createJobRunner } from "./queue/run-job.ts";
import { createMetrics } from "./metrics.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import type { StoredGrading } from "./score-sink.ts";
import { StorageUnavailableError, type LeasedQueueStorage, type NewSubmission } from "./storage/types.ts";
import { createWebhookSender } from "./webhooks.ts";

const log = pino({ level: "silent" });

const report = (score: number): Report => ({
  score,
  maxScore: 10,
  exercises: [{ id: "zero_pad", title: "zero_pad", score, maxScore: 10, status: "partial", cases: [] }],
  diagnostics: [],
  timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
});

const newSubmission = (source: string): NewSubmission => ({
  student: "alice", submittedBy: "alice", source, exercises: null, callbackUrl: null, idempotencyKey: null, requestHash: source, now: Date.now(),
});

/** A grader whose gradings finish only when the test says so. */
function controllableGrader() {
  const pending: { source: string; resolve: (r: Report) => void; reject: (e: unknown) => void }[] = [];
  const grader: Grader = {
    grade: ({ source }) => new Promise<Report>((resolve, reject) => pending.push({ source, resolve, reject })),
  };
  return { grader, pending };
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("grading loop", () => {
  let dir: string;
  let storage: LeasedQueueStorage;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "autograde-loop-"));
    storage = openSqliteStorage({ file: join(dir, "q.sqlite") });
  });
  afterEach(async () => {
    await storage.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function makeLoop(grader: Grader, overrides: Partial<{ gradingConcurrency: number; maxJobClaims: number }> = {}) {
    const metrics = createMetrics({ queueDepth: () => storage.queueDepth(), workerRestarts: () => 0 });
    const webhooks = createWebhookSender({
      config: { webhookMaxAttempts: 1, webhookInitialBackoffMs: 1, webhookTimeoutMs: 1000 }, storage, log, metrics,
    });
    const config = { gradingConcurrency: 2, leaseMs: 60_000, queuePollIntervalMs: 20, maxJobClaims: 3, ...overrides };
    const stored: StoredGrading[] = [];
    const scores = { gradingStored: (grading: StoredGrading) => void stored.push(grading) };
    const runJob = createJobRunner({ storage, grader, webhooks, scores, metrics, log, maxJobClaims: config.maxJobClaims });
    return { loop: createGradingLoop({ storage, runJob, log, config }), metrics, stored };
  }

  it("grades at most gradingConcurrency at once, stores each report and wakes waiters", async () => {
    const { grader, pending } = controllableGrader();
    const { loop, metrics, stored } = makeLoop(grader);
    const ids: string[] = [];
    for (const source of ["a", "b", "c"]) {
      const created = await storage.createSubmission(newSubmission(source), { maxQueueDepth: 10 });
      if (created.kind === "created") ids.push(created.submission.id);
    }
    await loop.start();
    await until(() => pending.length === 2, "two gradings in flight");
    const waited = loop.waitFor(ids[0]!, 5000);
    pending[0]!.resolve(report(7));
    expect(await waited).toBe(true);
    expect((await storage.getSubmission(ids[0]!))?.latest?.report?.score).toBe(7);
    await until(() => pending.length === 3, "the third grading to start");
    pending[1]!.resolve(report(3));
    pending[2]!.resolve(report(10));
    await until(async () => (await storage.queueDepth()).running === 0, "queue to empty");
    await loop.stop(1000);
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/autograde_submissions_total\{outcome="partial"\} 2/);
    expect(text).toMatch(/autograde_submissions_total\{outcome="passed"\} 1/);
    // Grade passback hears of each stored grading once, as graded, with its student and attempt.
    expect(stored.map((g) => g.id).sort()).toEqual([...ids].sort());
    expect(stored.map((g) => [g.student, g.latest])).toEqual(ids.map(() => ["alice", { attempt: 1, status: "graded" }]));
  });

  it("requeues a grading that failed inside autograde, and stores an error once tries run out", async () => {
    let calls = 0;
    const grader: Grader = { grade: async () => { calls++; throw new Error("worker pool exploded"); } };
    const { loop } = makeLoop(grader, { maxJobClaims: 2 });
    const created = await storage.createSubmission(newSubmission("x"), { maxQueueDepth: 10 });
    if (created.kind !== "created") throw new Error(created.kind);
    await loop.start();
    await until(async () => (await storage.getSubmission(created.submission.id))?.status === "error", "error status");
    await loop.stop(1000);
    expect(calls).toBe(2);
    const [grading] = await storage.listGradings(created.submission.id);
    expect(grading?.error).toBe("grading failed because of an internal error");
  });

  it("stores a refused source as the student's error without retrying", async () => {
    let calls = 0;
    const rejection = new SubmissionRejectedError(9, 4);
    const grader: Grader = { grade: async () => { calls++; throw rejection; } };
    const { loop } = makeLoop(grader);
    const created = await storage.createSubmission(newSubmission("too long"), { maxQueueDepth: 10 });
    if (created.kind !== "created") throw new Error(created.kind);
    await loop.start();
    await until(async () => (await storage.getSubmission(created.submission.id))?.status === "error", "error status");
    await loop.stop(1000);
    expect(calls).toBe(1);
    expect((await storage.getSubmission(created.submission.id))?.latest?.error).toMatch(/limit is 4 bytes/);
  });

  it("on stop, puts a grading that outlasts the grace period back in the queue", async () => {
    const { grader, pending } = controllableGrader();
    const { loop } = makeLoop(grader);
    const created = await storage.createSubmission(newSubmission("slow"), { maxQueueDepth: 10 });
    if (created.kind !== "created") throw new Error(created.kind);
    await loop.start();
    await until(() => pending.length === 1, "grading to start");
    await loop.stop(20);
    expect(await storage.queueDepth()).toEqual({ queued: 1, running: 0 });
    pending[0]!.reject(new Error("pool closed"));
    await new Promise((r) => setTimeout(r, 20));
    expect(await storage.listGradings(created.submission.id)).toEqual([]);
  });

  it("backs off while the storage is unavailable instead of claiming at the poll rate, and resumes once it is back", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    try {
      let locked = true;
      let claims = 0;
      const flaky: LeasedQueueStorage = {
        ...storage,
        async claimJobs(input) {
          claims++;
          if (locked) throw new StorageUnavailableError("the database is locked by another process; retry shortly");
          return storage.claimJobs(input);
        },
      };
      const metrics = createMetrics({ queueDepth: () => flaky.queueDepth(), workerRestarts: () => 0 });
      const webhooks = createWebhookSender({ config: { webhookMaxAttempts: 1, webhookInitialBackoffMs: 1, webhookTimeoutMs: 1000 }, storage: flaky, log, metrics });
      const runJob = createJobRunner({ storage: flaky, grader: controllableGrader().grader, webhooks, scores: { gradingStored: () => {} }, metrics, log, maxJobClaims: 3 });
      const loop = createGradingLoop({ storage: flaky, runJob, log, config: { gradingConcurrency: 1, leaseMs: 60_000, queuePollIntervalMs: 20 } });
      await loop.start();
      await vi.advanceTimersByTimeAsync(2000);
      // At the 20 ms poll rate that would be 100 claims; doubling from 20 ms it is 7.
      expect(claims).toBeGreaterThanOrEqual(3);
      expect(claims).toBeLessThan(12);

      locked = false;
      loop.notify();
      await vi.advanceTimersByTimeAsync(1);
      const resumedAt = claims;
      await vi.advanceTimersByTimeAsync(200);
      expect(claims - resumedAt).toBeGreaterThanOrEqual(5);
      vi.useRealTimers();
      await loop.stop(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

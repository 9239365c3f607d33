import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { exercises } from "../../exercises/index.ts";
import type { ExerciseId } from "../../exercises/types.ts";
import type { Report } from "../../grader/report.ts";
import { startTestPlatform, type TestPlatform } from "../../tests/helpers/lti-platform.ts";
import { defaultAssignment } from "../storage/course-types.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage, SubmissionRecord } from "../storage/types.ts";
import { createToolKeyStore } from "./key-store.ts";
import { createScorePublisher, type ScorePublisher, type ScorePublisherConfig } from "./publisher.ts";
import { createToolKeys, type ExportedToolKeys, type ToolKeys } from "./tool-keys.ts";

type Scores = Partial<Record<ExerciseId, number>>;

const points = (id: ExerciseId): number => exercises.find((e) => e.id === id)!.points;
const totalPoints = exercises.reduce((sum, e) => sum + e.points, 0);

function report(scores: Scores): Report {
  const graded = Object.entries(scores).map(([id, score]) => {
    const maxScore = points(id as ExerciseId);
    return { id: id as ExerciseId, title: id, score: score!, maxScore, status: score === maxScore ? ("passed" as const) : ("partial" as const), cases: [] };
  });
  return {
    score: graded.reduce((sum, e) => sum + e.score, 0),
    maxScore: graded.reduce((sum, e) => sum + e.maxScore, 0),
    exercises: graded,
    diagnostics: [],
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

async function until(what: string, done: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let storage: LeasedQueueStorage;
let platform: TestPlatform;
let signer: ToolKeys;
let registrationId: string;
let started: ScorePublisher[];
let clock: number;
let seededKeys: ExportedToolKeys;

// RSA generation is the slow part of each setup: every test's key store starts from one stored key.
beforeAll(async () => {
  seededKeys = (await createToolKeys()).export();
});

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-publisher-"));
  storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  if (!(await storage.saveToolKeys(seededKeys, null))) throw new Error("fresh storage already holds tool keys");
  const keyStore = await createToolKeyStore({ storage });
  signer = await keyStore.current();
  const jwks = await keyStore.jwks();
  platform = await startTestPlatform({ toolJwks: () => jwks });
  const registered = await storage.createLtiRegistration({ ...platform.registration, now: Date.now() });
  if (registered === "duplicate") throw new Error("fresh storage already holds the registration");
  registrationId = registered.id;
  started = [];
  clock = Date.now();
});

afterEach(async () => {
  for (const publisher of started) await publisher.stop();
  await platform.close();
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function startPublisher(config: Partial<ScorePublisherConfig> = {}, fetchImpl?: typeof fetch): ScorePublisher {
  const publisher = createScorePublisher({
    storage,
    signer,
    exercises,
    config: { ltiScorePolicy: "best", ltiPublishMaxAttempts: 4, ltiPublishInitialBackoffMs: 1, ...config },
    log: pino({ level: "silent" }),
    ...(fetchImpl ? { fetchImpl } : {}),
  });
  started.push(publisher);
  return publisher;
}

const lineItemUrl = (n: number) => `${platform.url}/lineitems/${n}`;

function link(student: string, lineItem: number, linked: readonly ExerciseId[] | null): Promise<void> {
  return storage.upsertLtiLineItem({
    student, registrationId, lineItemUrl: lineItemUrl(lineItem), platformUserId: `sub-${student}`,
    exercises: linked, resourceLinkId: null, contextId: null, updatedAt: Date.now(),
  });
}

/** Stores a finished grading through the queue, each one later than the last (the latest policy orders by it). */
async function grade(student: string, outcome: Scores | "error"): Promise<SubmissionRecord> {
  clock += 1000;
  const ids = outcome === "error" ? ["zero_pad" as const] : (Object.keys(outcome) as ExerciseId[]);
  const created = await storage.createSubmission(
    { student, submittedBy: student, source: "export {};", exercises: ids, callbackUrl: null, idempotencyKey: null, requestHash: `h${clock}`, now: clock },
    { maxQueueDepth: 100 },
  );
  if (created.kind !== "created") throw new Error(`submission not created: ${created.kind}`);
  const [job] = await storage.claimJobs({ limit: 1, leaseMs: 60_000, now: clock });
  if (job?.submissionId !== created.submission.id) throw new Error("claimed another submission's job");
  const stored = outcome === "error" ? { status: "error" as const, error: "worker crashed" } : { status: "graded" as const, report: report(outcome) };
  if (!(await storage.completeJob(job, stored, { startedAt: clock, finishedAt: clock + 1 }))) throw new Error("grading not stored");
  return (await storage.getSubmission(created.submission.id))!;
}

async function gradeAndPublish(publisher: ScorePublisher, student: string, outcome: Scores | "error"): Promise<SubmissionRecord> {
  const record = await grade(student, outcome);
  publisher.gradingStored(record);
  await publisher.idle();
  return record;
}

/** Oldest first, as the platform received them. */
const publications = async (student: string) => (await storage.listLtiPublications({ student, limit: 100 })).reverse();
const received = (): Record<string, unknown>[] => platform.scores.map((s) => ({ path: s.path, ...(s.body as Record<string, unknown>) }));

describe("score policy and the line item's exercises", () => {
  it.each([
    { name: "best: zero_pad 10 then 4, link=[zero_pad] -> 10/10 both times", policy: "best", linked: ["zero_pad"], gradings: [{ zero_pad: 10 }, { zero_pad: 4 }], given: [10, 10], maximum: 10 },
    { name: "best: zero_pad 10 then 4, link=null -> 10/100 both times", policy: "best", linked: null, gradings: [{ zero_pad: 10 }, { zero_pad: 4 }], given: [10, 10], maximum: totalPoints },
    { name: "best: zero_pad 10 + distribute_value 5, link=[zero_pad] -> only zero_pad counts", policy: "best", linked: ["zero_pad"], gradings: [{ zero_pad: 10, distribute_value: 5 }], given: [10], maximum: 10 },
    { name: "best: zero_pad 7 then distribute_value 5, link=[zero_pad,distribute_value] -> sums across submissions", policy: "best", linked: ["zero_pad", "distribute_value"], gradings: [{ zero_pad: 7 }, { distribute_value: 5 }], given: [7, 12], maximum: 15 },
    { name: "latest: zero_pad 10 then 4, link=[zero_pad] -> 4", policy: "latest", linked: ["zero_pad"], gradings: [{ zero_pad: 10 }, { zero_pad: 4 }], given: [10, 4], maximum: 10 },
    { name: "latest: {zero_pad 10, distribute_value 5} then {zero_pad 4}, link=null -> newest per exercise 4+5", policy: "latest", linked: null, gradings: [{ zero_pad: 10, distribute_value: 5 }, { zero_pad: 4 }], given: [15, 9], maximum: totalPoints },
  ] as const)("$name", async ({ policy, linked, gradings, given, maximum }) => {
    const publisher = startPublisher({ ltiScorePolicy: policy });
    await link("alice", 1, linked);
    const records: SubmissionRecord[] = [];
    for (const scores of gradings) records.push(await gradeAndPublish(publisher, "alice", scores));

    expect(received()).toEqual(given.map((scoreGiven) => expect.objectContaining({ path: "/lineitems/1/scores", userId: "sub-alice", scoreGiven, scoreMaximum: maximum })));
    const rows = await publications("alice");
    expect(rows).toEqual(given.map((scoreGiven, i) => expect.objectContaining({
      state: "published", attempts: 1, statusCode: 204, error: null, scoreGiven, scoreMaximum: maximum,
      submissionId: records[i]!.id, gradingAttempt: 1, registrationId, lineItemUrl: lineItemUrl(1),
    })));
    // The platform orders late deliveries by this timestamp: it is the publication's creation time.
    expect(platform.scores.map((s) => (s.body as { timestamp: string }).timestamp)).toEqual(rows.map((r) => new Date(r.createdAt).toISOString()));
  });
});

it("a regrade publishes under its own grading attempt", async () => {
  const publisher = startPublisher({ ltiScorePolicy: "latest" });
  await link("alice", 1, ["zero_pad"]);
  const first = await gradeAndPublish(publisher, "alice", { zero_pad: 10 });
  expect(await storage.enqueueRegrade(first.id, clock + 1)).toEqual({ attempt: 2, queued: true });
  const [job] = await storage.claimJobs({ limit: 1, leaseMs: 60_000, now: clock + 2 });
  await storage.completeJob(job!, { status: "graded", report: report({ zero_pad: 6 }) }, { startedAt: clock + 2, finishedAt: clock + 3 });
  publisher.gradingStored((await storage.getSubmission(first.id))!);
  await publisher.idle();
  expect(received().map((s) => s.scoreGiven)).toEqual([10, 6]);
  expect((await publications("alice")).map((r) => [r.submissionId, r.gradingAttempt, r.scoreGiven])).toEqual([[first.id, 1, 10], [first.id, 2, 6]]);
});

describe("what is not published", () => {
  it("a student with no line items: nothing sent, no publication rows", async () => {
    const publisher = startPublisher();
    await link("alice", 1, null);
    await gradeAndPublish(publisher, "bob", { zero_pad: 10 });
    expect(platform.scores).toEqual([]);
    expect(platform.tokenRequests).toEqual([]);
    expect(await storage.listLtiPublications({ limit: 100 })).toEqual([]);
  });

  it("an error grading (no report) after a graded one: only the graded one is published", async () => {
    const publisher = startPublisher();
    await link("alice", 1, null);
    const graded = await gradeAndPublish(publisher, "alice", { zero_pad: 10 });
    const failed = await gradeAndPublish(publisher, "alice", "error");
    expect(failed.latest).toMatchObject({ status: "error", report: null });
    expect(received()).toEqual([expect.objectContaining({ scoreGiven: 10 })]);
    expect((await publications("alice")).map((r) => r.submissionId)).toEqual([graded.id]);
  });

  it("registration deleted after the link was made: the link goes with it, nothing sent", async () => {
    const publisher = startPublisher();
    await link("alice", 1, null);
    expect(await storage.deleteLtiRegistration(registrationId)).toBe(true);
    await gradeAndPublish(publisher, "alice", { zero_pad: 10 });
    expect(platform.scores).toEqual([]);
    expect(await publications("alice")).toEqual([]);
  });
});

it("two line items for one student: one publication each, to its own scores URL", async () => {
  const publisher = startPublisher();
  await link("alice", 1, ["zero_pad"]);
  await link("alice", 2, null);
  await gradeAndPublish(publisher, "alice", { zero_pad: 6, distribute_value: 5 });
  const byPath = Object.fromEntries(received().map((s) => [s.path, s]));
  expect(received()).toHaveLength(2);
  expect(byPath["/lineitems/1/scores"]).toMatchObject({ userId: "sub-alice", scoreGiven: 6, scoreMaximum: 10 });
  expect(byPath["/lineitems/2/scores"]).toMatchObject({ userId: "sub-alice", scoreGiven: 11, scoreMaximum: totalPoints });
  const rows = await publications("alice");
  expect(Object.fromEntries(rows.map((r) => [r.lineItemUrl, [r.state, r.scoreGiven, r.scoreMaximum]]))).toEqual({
    [lineItemUrl(1)]: ["published", 6, 10],
    [lineItemUrl(2)]: ["published", 11, totalPoints],
  });
});

describe("platform answers", () => {
  it.each([
    { name: "[400] -> failed, statusCode 400, attempts 1 (no retry)", script: [400], row: { state: "failed", statusCode: 400, attempts: 1 }, delivered: 0 },
    { name: "[503] then 204 -> published, attempts 2", script: [503], row: { state: "published", statusCode: 204, error: null, attempts: 2 }, delivered: 1 },
    { name: "[429] then 204 -> published, attempts 2", script: [429], row: { state: "published", statusCode: 204, error: null, attempts: 2 }, delivered: 1 },
    { name: "[503 x3] maxAttempts=3 -> failed, statusCode 503, attempts 3", script: [503, 503, 503], row: { state: "failed", statusCode: 503, attempts: 3 }, delivered: 0 },
  ])("$name", async ({ script, row, delivered }) => {
    const publisher = startPublisher({ ltiPublishMaxAttempts: 3, ltiPublishInitialBackoffMs: 1 });
    await link("alice", 1, ["zero_pad"]);
    platform.scriptScoreStatuses(script);
    await gradeAndPublish(publisher, "alice", { zero_pad: 8 });
    expect(platform.scores).toHaveLength(delivered);
    const rows = await publications("alice");
    expect(rows).toEqual([expect.objectContaining({ ...row, scoreGiven: 8, scoreMaximum: 10 })]);
    if (row.state === "failed") expect(rows[0]!.error).toContain(String(row.statusCode));
  });
});

describe("shutdown and resume", () => {
  it("stop() during a backoff leaves the publication pending; a new publisher's resumePending(0) sends it", async () => {
    const scoreStatuses: number[] = [];
    const recording: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (String(input).endsWith("/scores")) scoreStatuses.push(response.status);
      return response;
    };
    const first = startPublisher({ ltiPublishInitialBackoffMs: 600_000 }, recording);
    await link("alice", 1, ["zero_pad"]);
    platform.scriptScoreStatuses([503, 503, 503]);
    const record = await grade("alice", { zero_pad: 9 });
    first.gradingStored(record);
    await until("the first 503", () => scoreStatuses.length > 0);
    await first.stop();

    expect(scoreStatuses).toEqual([503]);
    expect(await publications("alice")).toEqual([expect.objectContaining({ state: "pending", attempts: 0, submissionId: record.id })]);
    first.gradingStored(await grade("alice", { zero_pad: 10 }));
    await first.idle();
    expect(await publications("alice")).toHaveLength(1);

    platform.scriptScoreStatuses([]);
    const second = startPublisher();
    expect(await second.resumePending(0)).toBe(1);
    await second.idle();
    expect(received()).toEqual([expect.objectContaining({ path: "/lineitems/1/scores", scoreGiven: 9, scoreMaximum: 10 })]);
    expect(await publications("alice")).toEqual([expect.objectContaining({ state: "published", attempts: 1, submissionId: record.id })]);
  });

  // A finished backoff must take its abort listener with it: otherwise a long-lived server piles them
  // up on the publisher's signal until stop() (Node warns past 10).
  it("eleven backoffs in one publisher's life leave no abort listener behind (no MaxListenersExceededWarning)", async () => {
    const warnings: string[] = [];
    const onWarning = (warning: Error) => {
      if (warning.name === "MaxListenersExceededWarning") warnings.push(warning.message);
    };
    process.on("warning", onWarning);
    try {
      const publisher = startPublisher({ ltiPublishMaxAttempts: 12, ltiPublishInitialBackoffMs: 1 });
      await link("alice", 1, ["zero_pad"]);
      platform.scriptScoreStatuses(Array.from({ length: 11 }, () => 503));
      await gradeAndPublish(publisher, "alice", { zero_pad: 5 });
      expect(await publications("alice")).toEqual([expect.objectContaining({ state: "published", attempts: 12 })]);
      await new Promise((r) => setImmediate(r));
      expect(warnings).toEqual([]);
    } finally {
      process.off("warning", onWarning);
    }
  });

  it.each([
    { name: "age 1s, olderThan 60s -> left pending", ageMs: 1_000, olderThanMs: 60_000, resumed: 0, state: "pending", delivered: 0 },
    { name: "age 120s, olderThan 60s -> sent and published", ageMs: 120_000, olderThanMs: 60_000, resumed: 1, state: "published", delivered: 1 },
    { name: "age 120s, link gone -> failed without a request", ageMs: 120_000, olderThanMs: 60_000, resumed: 0, state: "failed", delivered: 0, unlinked: true },
  ])("resumePending: $name", async ({ ageMs, olderThanMs, resumed, state, delivered, unlinked }) => {
    if (!unlinked) await link("alice", 1, null);
    const pending = await storage.createLtiPublication({
      student: "alice", registrationId, lineItemUrl: lineItemUrl(1), submissionId: "sub-earlier", gradingAttempt: 1,
      scoreGiven: 3, scoreMaximum: totalPoints, createdAt: Date.now() - ageMs,
    });
    const publisher = startPublisher();
    expect(await publisher.resumePending(olderThanMs)).toBe(resumed);
    await publisher.idle();
    expect(platform.scores).toHaveLength(delivered);
    expect(await publications("alice")).toEqual([expect.objectContaining({ id: pending.id, state })]);
  });
});

describe("line items mapped to an assignment", () => {
  it("publish the assignment's penalized score at its points, and publish again when recomputation changes it", async () => {
    const publisher = startPublisher();
    await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
    await storage.putAssignment({ ...defaultAssignment("cs101"), id: "hw1", exercises: ["zero_pad"], points: { zero_pad: 20 }, dueAt: 0, lateUntil: 1e15, latePenalty: { unit: "day", percentPerUnit: 25, maxPercent: 100 }, updatedAt: 1 });
    await storage.linkResourceToAssignment({ issuer: platform.registration.issuer, resourceLinkId: "rl-hw1", course: "cs101", assignment: "hw1" });
    await storage.upsertLtiLineItem({
      student: "alice", registrationId, lineItemUrl: lineItemUrl(7), platformUserId: "sub-alice",
      exercises: null, resourceLinkId: "rl-hw1", contextId: "ctx", updatedAt: Date.now(),
    });
    clock += 1000;
    const created = await storage.createSubmission(
      { student: "alice", submittedBy: "alice", source: "export {};", exercises: ["zero_pad"], callbackUrl: null, idempotencyKey: null, requestHash: "mapped", now: clock, course: "cs101", assignment: "hw1", late: { minutes: 10, penaltyPercent: 25 } },
      { maxQueueDepth: 100 },
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const [job] = await storage.claimJobs({ limit: 1, leaseMs: 60_000, now: clock });
    await storage.completeJob(job!, { status: "graded", report: report({ zero_pad: points("zero_pad") }) }, { startedAt: clock, finishedAt: clock + 1 });
    publisher.gradingStored((await storage.getSubmission(created.submission.id))!);
    await publisher.idle();
    expect(received()).toEqual([expect.objectContaining({ path: "/lineitems/7/scores", scoreGiven: 15, scoreMaximum: 20 })]);

    await storage.setLateness([{ id: created.submission.id, late: null }]);
    publisher.rescored({ course: "cs101", assignment: "hw1", student: "alice", submissionId: created.submission.id });
    publisher.rescored({ course: "cs101", assignment: "other", student: "alice", submissionId: created.submission.id });
    await publisher.idle();
    expect(received().map((s) => s.scoreGiven)).toEqual([15, 20]);
    expect((await publications("alice")).map((p) => [p.state, p.statusCode, p.scoreGiven])).toEqual([["published", 204, 15], ["published", 204, 20]]);
  });
});

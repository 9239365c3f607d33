import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashSecret, LAUNCH_TOKEN_PREFIX } from "../server/auth.ts";
import { startCourseApp } from "./helpers/course-app.ts";

let t: Awaited<ReturnType<typeof startCourseApp>>;
beforeAll(async () => {
  t = await startCourseApp();
});
afterAll(async () => t?.close());

const H = 3_600_000;
const M = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const source = "export const zeroPad = () => 0;";
let courseCount = 0;

/** A fresh course with an assignment `hw` on zero_pad (10 points), due a day from the test clock. */
async function course(policy: Record<string, unknown> = {}) {
  const id = `c${++courseCount}`;
  expect((await t.call("prof", "POST", "/courses", { id, title: `Course ${id}` })).status).toBe(201);
  const dueAt = t.clock.now + 24 * H;
  const put = await t.call("prof", "PUT", `/courses/${id}/assignments/hw`, { exercises: ["zero_pad"], points: { zero_pad: 10 }, dueAt: iso(dueAt), ...policy });
  expect(put.status, put.text).toBe(200);
  for (const student of ["alice", "bob"]) await t.call("prof", "PUT", `/courses/${id}/members/${student}`, { role: "student" });
  return { id, dueAt };
}

const submit = (who: "alice" | "bob" | "carol" | "prof" | "dave", course: string, extra: Record<string, unknown> = {}) =>
  t.call(who, "POST", "/submissions", { source, course, assignment: "hw", ...extra });

describe("today's API keeps working on the default course and assignment", () => {
  it("a submission without course or assignment goes to default/default, on time, score = raw score", async () => {
    const created = await t.call("alice", "POST", "/submissions", { source, exercises: ["zero_pad"] });
    expect(created.status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
    const got = (await t.call("alice", "GET", `/submissions/${created.json.id}`)).json;
    expect(got).toMatchObject({ course: "default", assignment: "default", late: null, status: "graded" });
    expect(got.score).toBe(got.rawScore);
    expect(got.score).toBeGreaterThan(0);
    expect(got).not.toHaveProperty("resultsReleaseAt");
    expect(got.report.exercises[0].cases.map((c: { name: string }) => c.name)).toEqual(["zero_pad visible", "zero_pad hidden"]);
    const courses = (await t.call("alice", "GET", "/courses")).json.courses;
    expect(courses).toContainEqual(expect.objectContaining({ id: "default", role: "student" }));
  });
});

describe("courses and members", () => {
  it("only a staff API key creates courses; a duplicate is 409; each caller lists their own", async () => {
    expect((await t.call("alice", "POST", "/courses", { id: "x1", title: "X" })).status).toBe(403);
    const { id } = await course();
    expect((await t.call("prof", "POST", "/courses", { id, title: "again" })).status).toBe(409);
    expect((await t.call("prof", "POST", "/courses", { id: "bad id!", title: "X" })).json.details.issues[0].field).toBe("id");
    expect((await t.call("alice", "GET", "/courses")).json.courses.map((c: { id: string }) => c.id)).toContain(id);
    expect((await t.call("carol", "GET", "/courses")).json.courses.map((c: { id: string }) => c.id)).toEqual(["default"]);
    const members = await t.call("prof", "GET", `/courses/${id}/members`);
    expect(members.json.members.map((m: { principal: string; role: string }) => [m.principal, m.role])).toEqual([["alice", "student"], ["bob", "student"]]);
    expect((await t.call("alice", "GET", `/courses/${id}/members`)).status).toBe(403);
    expect((await t.call("prof", "DELETE", `/courses/${id}/members/bob`)).status).toBe(204);
    expect((await t.call("prof", "DELETE", `/courses/${id}/members/bob`)).status).toBe(404);
  });

  it("a student of A sees nothing of B; an instructor of A can neither read nor change B", async () => {
    const a = await course();
    const b = await course();
    await t.call("prof", "PUT", `/courses/${a.id}/members/carol`, { role: "instructor" });
    await t.call("prof", "DELETE", `/courses/${b.id}/members/alice`);
    await t.call("prof", "PUT", `/courses/${a.id}/members/alice`, { role: "student" });
    expect((await t.call("alice", "GET", `/courses/${b.id}/assignments`)).status).toBe(404);
    expect((await submit("alice", b.id)).json).toMatchObject({ error: "unknown_course", details: { field: "course" } });
    // carol instructs A: she manages A, and B stays invisible to her.
    expect((await t.call("carol", "PUT", `/courses/${a.id}/members/dave`, { role: "ta" })).status).toBe(200);
    expect((await t.call("carol", "GET", `/courses/${a.id}/gradebook?assignment=hw`)).status).toBe(200);
    for (const [method, url, body] of [
      ["GET", `/courses/${b.id}/gradebook?assignment=hw`, undefined],
      ["GET", `/courses/${b.id}/members`, undefined],
      ["PUT", `/courses/${b.id}/assignments/hw`, { dueAt: iso(t.clock.now) }],
      ["PUT", `/courses/${b.id}/assignments/hw/extensions/bob`, { dueAt: iso(t.clock.now) }],
      ["GET", `/submissions?course=${b.id}`, undefined],
    ] as const) {
      expect((await t.call("carol", method, url, body)).status, `${method} ${url}`).toBe(404);
    }
    // A B submission by bob is not visible to carol by id either.
    const bobs = await submit("bob", b.id);
    expect((await t.call("carol", "GET", `/submissions/${bobs.json.id}`)).status).toBe(404);
    // dave (TA of A) may read A's gradebook, not change its assignments.
    expect((await t.call("dave", "GET", `/courses/${a.id}/gradebook?assignment=hw`)).status).toBe(200);
    expect((await t.call("dave", "PUT", `/courses/${a.id}/assignments/hw`, {})).status).toBe(403);
    await t.gradeQueued({ fraction: 1 });
  });
});

describe("regrades are course-scoped for LMS staff", () => {
  it("an LTI instructor of A regrades A's submissions only: B's is absent, a bulk regrade of B is refused", async () => {
    const a = await course();
    const b = await course();
    const token = `${LAUNCH_TOKEN_PREFIX}regrade-scope-token`;
    await t.storage.createLtiSession({ id: "sess-regrade", tokenHash: hashSecret(token), student: "lms-erin", role: "staff", userKey: "iss|erin", expiresAt: t.clock.now + H, now: t.clock.now });
    await t.call("prof", "PUT", `/courses/${a.id}/members/lms-erin`, { role: "instructor" });
    const inA = (await submit("alice", a.id)).json.id as string;
    const inB = (await submit("bob", b.id)).json.id as string;
    await t.gradeQueued({ fraction: 1 });
    const asErin = async (url: string, payload?: object) => {
      const r = await t.app.inject({ method: "POST", url: `/v1${url}`, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
      return { status: r.statusCode, json: r.json() };
    };
    expect((await asErin(`/submissions/${inA}/regrade`)).status).toBe(202);
    expect((await asErin(`/submissions/${inB}/regrade`)).status).toBe(404);
    expect(await asErin("/regrade", { course: b.id })).toMatchObject({ status: 403, json: { error: "forbidden", details: { field: "course" } } });
    const own = await asErin("/regrade", { course: a.id });
    expect(own.status).toBe(202);
    // Only A's finished submission was queued again (inA's regrade above is still queued, so it is skipped).
    expect(own.json.queued).toBe(0);
    await t.gradeQueued({ fraction: 1 });
    expect((await asErin("/regrade", { course: a.id })).json.queued).toBe(1);
    expect((await t.call("prof", "GET", `/submissions/${inB}`)).json.attempt ?? 1).toBe(1);
    await t.gradeQueued({ fraction: 1 });
  });
});

describe("bad input is a 400 naming the field", () => {
  it.each([
    ["dueAt after lateUntil", { dueAt: "2026-12-10T00:00:00Z", lateUntil: "2026-12-09T00:00:00Z" }, "dueAt"],
    ["a penalty outside 0-100", { dueAt: "2026-12-10T00:00:00Z", latePenalty: { percentPerHour: 101, maxPercent: 50 } }, "latePenalty.percentPerHour"],
    ["exercises outside the catalogue", { exercises: ["zero_pad", "softmax"] }, "exercises[1]"],
    ["maxAttempts < 1", { maxAttempts: 0 }, "maxAttempts"],
    ["a date that is not ISO 8601", { dueAt: "12/10/2026" }, "dueAt"],
  ])("PUT assignment with %s", async (_name, body, field) => {
    const r = await t.call("prof", "PUT", "/courses/default/assignments/bad", body);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("validation_error");
    expect(r.json.details.issues.map((i: { field: string }) => i.field)).toContain(field);
  });

  it("an unknown course or assignment, or exercises outside the assignment, when submitting", async () => {
    const { id } = await course();
    expect((await submit("alice", "no-such-course")).json).toMatchObject({ error: "unknown_course", details: { field: "course" } });
    const unknown = await t.call("alice", "POST", "/submissions", { source, course: id, assignment: "nope" });
    expect([unknown.status, unknown.json.details.field]).toEqual([400, "assignment"]);
    const outside = await submit("alice", id, { exercises: ["conv_forward"] });
    expect([outside.status, outside.json.details.field]).toEqual([400, "exercises"]);
    expect((await t.call("prof", "GET", `/courses/${id}/gradebook?assignment=nope`)).json.details.field).toBe("assignment");
    expect((await t.call("prof", "PUT", `/courses/${id}/assignments/hw/extensions/alice`, { dueAt: "tomorrow" })).json.details.issues[0].field).toBe("dueAt");
  });
});

describe("deadlines", () => {
  it("refuses before opensAt and after the late window, charges inside it, and never refuses instructors", async () => {
    const opensAt = t.clock.now + H;
    const { id, dueAt } = await course({ opensAt: iso(opensAt), lateUntil: iso(t.clock.now + 48 * H), latePenalty: { percentPerHour: 10, maxPercent: 50 } });
    const early = await submit("alice", id);
    expect([early.status, early.json]).toEqual([403, expect.objectContaining({ error: "assignment_not_open", details: { opensAt: iso(opensAt) } })]);
    expect((await submit("prof", id)).status).toBe(202);

    t.clock.now = dueAt + 61 * M;
    const late = await submit("alice", id);
    expect(late.status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
    const graded = (await t.call("alice", "GET", `/submissions/${late.json.id}`)).json;
    expect(graded).toMatchObject({ course: id, assignment: "hw", exercises: ["zero_pad"], rawScore: 10, score: 8, maxScore: 10, late: { minutes: 61, penaltyPercent: 20 } });

    t.clock.now = dueAt + 48 * H;
    const closed = await submit("alice", id);
    expect([closed.status, closed.json.error, closed.json.details]).toEqual([403, "assignment_closed", { closedAt: iso(dueAt + 24 * H) }]);
    const profLate = await submit("prof", id);
    expect(profLate.status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
    expect((await t.call("prof", "GET", `/submissions/${profLate.json.id}`)).json.late).toBeNull();

    // The gradebook: raw and penalized, students only (prof's submissions are not a row).
    const book = (await t.call("prof", "GET", `/courses/${id}/gradebook?assignment=hw`)).json;
    expect(book.students).toEqual([{ student: "alice", scores: { zero_pad: 8 }, total: 8, rawScores: { zero_pad: 10 }, rawTotal: 10, lateSubmissions: 1 }]);
    const csv = await t.call("prof", "GET", `/courses/${id}/gradebook?assignment=hw&format=csv&layout=moodle`);
    expect(csv.text).toBe("Username,zero_pad\r\nalice,8\r\n");
  });

  it("changing the due date recomputes penalties from the stored submit time, without regrading, and re-publishes (nbgrader #723)", async () => {
    const { id, dueAt } = await course({ lateUntil: iso(t.clock.now + 72 * H), latePenalty: { percentPerDay: 25, maxPercent: 100 } });
    t.clock.now = dueAt + 2 * H;
    const late = await submit("bob", id);
    await t.gradeQueued({ fraction: 0.5 });
    expect((await t.call("bob", "GET", `/submissions/${late.json.id}`)).json).toMatchObject({ rawScore: 5, score: 3.75, late: { minutes: 120, penaltyPercent: 25 } });

    t.rescored.length = 0;
    const moved = await t.call("prof", "PUT", `/courses/${id}/assignments/hw`, {
      exercises: ["zero_pad"], points: { zero_pad: 10 }, dueAt: iso(dueAt + 3 * H), lateUntil: iso(dueAt + 72 * H), latePenalty: { percentPerDay: 25, maxPercent: 100 },
    });
    expect(moved.json.recomputed).toBe(1);
    const after = (await t.call("bob", "GET", `/submissions/${late.json.id}`)).json;
    expect(after).toMatchObject({ rawScore: 5, score: 5, late: null, createdAt: iso(dueAt + 2 * H), attempt: 1 });
    expect((await t.call("prof", "GET", `/submissions/${late.json.id}/gradings`)).json.gradings).toHaveLength(1);
    expect(t.rescored).toEqual([{ course: id, assignment: "hw", student: "bob", submissionId: late.json.id }]);
    // The same PUT again changes nothing and publishes nothing.
    t.rescored.length = 0;
    await t.call("prof", "PUT", `/courses/${id}/assignments/hw`, {
      exercises: ["zero_pad"], points: { zero_pad: 10 }, dueAt: iso(dueAt + 3 * H), lateUntil: iso(dueAt + 72 * H), latePenalty: { percentPerDay: 25, maxPercent: 100 },
    });
    expect(t.rescored).toEqual([]);
  });

  it("an extension moves the student's deadline and never counts as late time; revoking it charges again (autograder.io #29)", async () => {
    const { id, dueAt } = await course({ lateUntil: iso(t.clock.now + 30 * H), latePenalty: { percentPerHour: 10, maxPercent: 50 } });
    t.clock.now = dueAt + 3 * H;
    const late = await submit("alice", id);
    await t.gradeQueued({ fraction: 1 });
    expect((await t.call("alice", "GET", `/submissions/${late.json.id}`)).json.late).toEqual({ minutes: 180, penaltyPercent: 30 });

    const granted = await t.call("prof", "PUT", `/courses/${id}/assignments/hw/extensions/alice`, { dueAt: iso(dueAt + 48 * H) });
    expect(granted.json).toMatchObject({ student: "alice", grantedBy: "prof", grantedAt: iso(t.clock.now), recomputed: 1, lateUntil: null });
    expect((await t.call("alice", "GET", `/submissions/${late.json.id}`)).json).toMatchObject({ late: null, score: 10 });
    const seen = (await t.call("alice", "GET", `/courses/${id}/assignments/hw`)).json;
    expect(seen.extension).toEqual({ dueAt: iso(dueAt + 48 * H), lateUntil: null });

    // After everyone else's late window, still inside hers: taken, on time; bob is refused.
    t.clock.now = dueAt + 40 * H;
    expect((await submit("bob", id)).status).toBe(403);
    const inside = await submit("alice", id);
    expect(inside.status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
    expect((await t.call("alice", "GET", `/submissions/${inside.json.id}`)).json.late).toBeNull();

    expect((await t.call("prof", "DELETE", `/courses/${id}/assignments/hw/extensions/alice`)).status).toBe(204);
    expect((await t.call("alice", "GET", `/submissions/${late.json.id}`)).json.late).toEqual({ minutes: 180, penaltyPercent: 30 });
    expect((await t.call("alice", "GET", `/submissions/${inside.json.id}`)).json.late).toEqual({ minutes: 40 * 60, penaltyPercent: 50 });
    expect((await t.call("prof", "DELETE", `/courses/${id}/assignments/hw/extensions/alice`)).status).toBe(404);
  });
});

describe("attempts count what was graded", () => {
  it("an infrastructure error does not use an attempt, a wrong answer does; over the limit is a 429 (PrairieLearn #9636)", async () => {
    const { id } = await course({ maxAttempts: 2 });
    expect((await submit("alice", id)).status).toBe(202);
    await t.gradeQueued({ error: "worker crashed after every retry" });
    expect((await t.call("alice", "GET", `/courses/${id}/assignments/hw`)).json.attempts).toEqual({ used: 0, max: 2, nextAllowedAt: null });
    for (let i = 0; i < 2; i++) {
      expect((await submit("alice", id)).status).toBe(202);
      await t.gradeQueued({ fraction: 0 });
    }
    const refused = await submit("alice", id);
    expect(refused.status).toBe(429);
    expect(refused.json).toMatchObject({ error: "attempt_limit", details: { maxAttempts: 2, used: 2 } });
    expect(refused.json.details).not.toHaveProperty("retryAt");
    expect(refused.headers["retry-after"]).toBeUndefined();
    // A validation refusal (exercises outside the assignment) never reached storage; staff have no limit.
    expect((await submit("prof", id)).status).toBe(202);
    expect((await submit("prof", id)).status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
  });

  it("sooner than minMinutesBetween: 429 with retryAt and Retry-After", async () => {
    const { id } = await course({ minMinutesBetween: 10 });
    const first = await submit("bob", id);
    await t.gradeQueued({ fraction: 1 });
    t.clock.now += 4 * M;
    const refused = await submit("bob", id);
    expect(refused.status).toBe(429);
    expect(refused.json.details).toEqual({ maxAttempts: null, used: 1, retryAt: iso(t.clock.now + 6 * M) });
    expect(refused.headers["retry-after"]).toBe("360");
    const view = (await t.call("bob", "GET", `/courses/${id}/assignments/hw`)).json.attempts;
    expect(view).toEqual({ used: 1, max: null, nextAllowedAt: iso(t.clock.now + 6 * M) });
    t.clock.now += 6 * M;
    expect((await submit("bob", id)).status).toBe(202);
    expect(first.status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
  });
});

describe("hidden-result release", () => {
  it("after_due: before the due date a student sees visible cases only and null scores; staff see all; afterwards everything", async () => {
    const { id, dueAt } = await course({ hiddenResults: "after_due" });
    const made = await submit("alice", id);
    await t.gradeQueued({ fraction: 1 });
    const held = (await t.call("alice", "GET", `/submissions/${made.json.id}`)).json;
    expect(held).toMatchObject({ score: null, rawScore: null, resultsReleaseAt: iso(dueAt) });
    expect(held.report.score).toBeNull();
    expect(held.report.exercises.map((e: { score: unknown; cases: { name: string }[] }) => [e.score, e.cases.map((c) => c.name)])).toEqual([[null, ["zero_pad visible"]]]);
    expect((await t.call("alice", "GET", `/submissions?course=${id}`)).json.items[0]).toMatchObject({ score: null, resultsReleaseAt: iso(dueAt) });
    expect((await t.call("alice", "GET", `/submissions/${made.json.id}/gradings`)).json.gradings[0].score).toBeNull();
    expect((await t.call("alice", "GET", `/submissions/${made.json.id}/report?format=text`)).status).toBe(409);
    expect((await t.call("alice", "GET", `/courses/${id}/assignments/hw`)).json.resultsReleaseAt).toBe(iso(dueAt));

    const staffView = (await t.call("prof", "GET", `/submissions/${made.json.id}`)).json;
    expect(staffView).toMatchObject({ score: 10, rawScore: 10 });
    expect(staffView.report.exercises[0].cases).toHaveLength(2);

    t.clock.now = dueAt;
    const released = (await t.call("alice", "GET", `/submissions/${made.json.id}`)).json;
    expect(released).toMatchObject({ score: 10, resultsReleaseAt: iso(dueAt) });
    expect(released.report.exercises[0].cases.map((c: { name: string; visible: boolean }) => [c.name, c.visible])).toEqual([["zero_pad visible", true], ["zero_pad hidden", false]]);
  });

  it("never: students never see hidden cases or scores, and resultsReleaseAt is null", async () => {
    const { id, dueAt } = await course({ hiddenResults: "never" });
    const made = await submit("bob", id);
    await t.gradeQueued({ fraction: 1 });
    t.clock.now = dueAt + 100 * H;
    expect((await t.call("bob", "GET", `/submissions/${made.json.id}`)).json).toMatchObject({ score: null, resultsReleaseAt: null });
  });
});

describe("gradebooks list students only", () => {
  it("a staff key that submitted to default is not a row of /v1/gradebook or the course gradebook", async () => {
    await t.call("prof", "POST", "/submissions", { source, exercises: ["zero_pad"] });
    await t.call("bob", "POST", "/submissions", { source, exercises: ["zero_pad"] });
    await t.gradeQueued({ fraction: 1 });
    const legacy = (await t.call("prof", "GET", "/gradebook")).json.students.map((s: { student: string }) => s.student);
    expect(legacy).toContain("bob");
    expect(legacy).not.toContain("prof");
    const book = (await t.call("prof", "GET", "/courses/default/gradebook")).json.students.map((s: { student: string }) => s.student);
    expect(book).toContain("bob");
    expect(book).not.toContain("prof");
  });
});

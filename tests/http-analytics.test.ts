import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Report } from "../grader/report.ts";
import { startCourseApp } from "./helpers/course-app.ts";

type App = Awaited<ReturnType<typeof startCourseApp>>;
const mistake = { id: "zero_pad/pads_one_side_only", hint: "one side only" };

/** A zero_pad report: `passed` of its two hidden cases passed, the others wrong with `mistake`. */
function zeroPadReport(passed: number, withMistake = true): Report {
  const cases = ["x=[2,3,5,4] p=1", "x=[1,4,4,1] p=3"].map((name, i) =>
    i < passed
      ? { name, visible: false, outcome: "passed" as const, message: "passed" }
      : { name, visible: false, outcome: "wrong" as const, message: "wrong", ...(withMistake ? { mistake } : {}) },
  );
  const score = passed * 5;
  return {
    catalogueVersion: "0123456789ab",
    score,
    maxScore: 10,
    exercises: [{ id: "zero_pad", title: "Zero-padding", score, maxScore: 10, status: passed === 2 ? "passed" : passed === 0 ? "failed" : "partial", cases }],
    diagnostics: [],
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

async function submitGraded(app: App, who: "alice" | "bob" | "carol" | "prof", report: Report): Promise<void> {
  app.clock.now += 60_000;
  const created = await app.call(who, "POST", "/submissions", { source: "export const x = 1;", exercises: ["zero_pad"] });
  expect(created.status).toBe(202);
  const jobs = await app.storage.claimJobs({ limit: 10, leaseMs: 60_000, now: app.clock.now });
  expect(jobs).toHaveLength(1);
  await app.storage.completeJob(jobs[0]!, { status: "graded", report }, { startedAt: app.clock.now, finishedAt: app.clock.now });
}

describe("GET /v1/analytics", () => {
  let app: App;
  beforeAll(async () => {
    app = await startCourseApp();
    await submitGraded(app, "alice", zeroPadReport(0));
    await submitGraded(app, "alice", zeroPadReport(1));
    await submitGraded(app, "alice", zeroPadReport(2));
    await submitGraded(app, "bob", zeroPadReport(1));
    await submitGraded(app, "bob", zeroPadReport(2));
    await submitGraded(app, "carol", zeroPadReport(1, false));
    // Staff's own test submission is not a student's attempt.
    await submitGraded(app, "prof", zeroPadReport(0));
  });
  afterAll(async () => app?.close());

  it("counts submissions, students, median attempts to full marks, case pass rates and mistakes by students", async () => {
    const response = await app.call("prof", "GET", "/analytics");
    expect(response.status).toBe(200);
    expect(response.json.catalogueVersions).toEqual(["0123456789ab"]);
    const [zeroPad, ...others] = response.json.exercises;
    expect(others).toEqual([]);
    expect(zeroPad).toMatchObject({ id: "zero_pad", submissions: 6, students: 3, studentsWithFullMarks: 2, medianAttemptsToFullMarks: 2.5 });
    expect(zeroPad.cases).toEqual([
      { name: "x=[2,3,5,4] p=1", visible: false, attempts: 6, passed: 5, passRate: 0.8333 },
      { name: "x=[1,4,4,1] p=3", visible: false, attempts: 6, passed: 2, passRate: 0.3333 },
    ]);
    // alice (3 cases) and bob (1): carol's wrong case matched no mistake.
    expect(zeroPad.mistakes).toEqual([{ id: mistake.id, hint: mistake.hint, students: 2, cases: 4 }]);
  });

  it("filters by since and exercise", async () => {
    const since = new Date(app.clock.now - 2.5 * 60_000).toISOString();
    const recent = await app.call("prof", "GET", `/analytics?since=${encodeURIComponent(since)}`);
    expect(recent.json.exercises[0]).toMatchObject({ submissions: 2, students: 2 });
    const other = await app.call("prof", "GET", "/analytics?exercise=conv_forward");
    expect(other.json.exercises).toEqual([]);
  });

  it("exports the same numbers as CSV", async () => {
    const csv = await app.call("prof", "GET", "/analytics?format=csv");
    expect(csv.status).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    expect(csv.text.split("\r\n")).toEqual([
      "exercise,row,name,submissions,students,students_full_marks,median_attempts_to_full_marks,attempts,passed,pass_rate,students_affected",
      "zero_pad,exercise,,6,3,2,2.5,,,,",
      'zero_pad,case,"x=[2,3,5,4] p=1",,,,,6,5,0.8333,',
      'zero_pad,case,"x=[1,4,4,1] p=3",,,,,6,2,0.3333,',
      "zero_pad,mistake,zero_pad/pads_one_side_only,,,,,,,,2",
      "",
    ]);
  });

  it("is for staff only, and names a bad filter", async () => {
    expect((await app.call("alice", "GET", "/analytics")).status).toBe(403);
    expect((await app.call(null, "GET", "/analytics")).status).toBe(401);
    const bad = await app.call("prof", "GET", "/analytics?exercise=nope");
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain("exercise");
  });
});

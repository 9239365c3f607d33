import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exportNames, solutionModule, starterModule } from "../exercises/index.ts";
import { renameIdentifiers } from "./grade-all-corpus.ts";
import { startCourseApp } from "./helpers/course-app.ts";

let t: Awaited<ReturnType<typeof startCourseApp>>;
beforeAll(async () => {
  t = await startCourseApp();
});
afterAll(async () => t?.close());

const solution = solutionModule();
const renamed = renameIdentifiers(solution, EXERCISE_IDS.flatMap((id) => exportNames(id)));
const NOTICE = "Similarity is evidence for a person to judge, not a verdict.";
let courses = 0;

/** A course with assignment hw; alice, bob and carol are students, dave a TA. */
async function course() {
  const id = `sim${++courses}`;
  expect((await t.call("prof", "POST", "/courses", { id, title: `Course ${id}` })).status).toBe(201);
  expect((await t.call("prof", "PUT", `/courses/${id}/assignments/hw`, { exercises: [...EXERCISE_IDS] })).status).toBe(200);
  for (const student of ["alice", "bob", "carol"]) await t.call("prof", "PUT", `/courses/${id}/members/${student}`, { role: "student" });
  await t.call("prof", "PUT", `/courses/${id}/members/dave`, { role: "ta" });
  return id;
}

async function submit(who: "alice" | "bob" | "carol" | "dave" | "prof", courseId: string, source: string): Promise<string> {
  const created = await t.call(who, "POST", "/submissions", { source, course: courseId, assignment: "hw" });
  expect(created.status, created.text).toBe(202);
  return created.json.id as string;
}

const url = (courseId: string, extra = "") => `/similarity?course=${courseId}&assignment=hw${extra}`;

/** Asks until the ranking is ready and current; the computation runs on its own thread. */
async function untilReady(courseId: string) {
  for (let i = 0; i < 600; i++) {
    const got = await t.call("prof", "GET", url(courseId));
    if (got.status === 200 && got.json.stale === false) return got.json;
    expect([200, 202]).toContain(got.status);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("similarity never became ready");
}

describe("GET /v1/similarity", () => {
  it("answers 202 first, then ranks a renamed-identifiers copy first, leaving out the staff's own submission", async () => {
    const id = await course();
    const alice = await submit("alice", id, solution);
    await submit("alice", id, starterModule());
    const aliceLatest = await submit("alice", id, solution);
    const bob = await submit("bob", id, renamed);
    await submit("carol", id, solutionModule(EXERCISE_IDS.slice(0, 2)));
    await submit("prof", id, solution);
    await submit("dave", id, solution);

    const first = await t.call("prof", "GET", url(id));
    expect(first.status, first.text).toBe(202);
    expect(first.json).toMatchObject({ status: "computing", course: id, assignment: "hw", submissions: 3, notice: NOTICE });

    const ready = await untilReady(id);
    expect(ready).toMatchObject({ status: "ready", submissions: 3, stale: false, recomputing: false, notice: NOTICE });
    const [top] = ready.pairs;
    expect([top.left, top.right].sort()).toEqual(["alice", "bob"]);
    expect([top.leftSubmission, top.rightSubmission].sort()).toEqual([aliceLatest, bob].sort());
    expect(top.leftSubmission).not.toBe(alice);
    expect(top.fragments.length).toBeGreaterThan(0);
    expect(top.fragments[0].leftExcerpt.length).toBeGreaterThan(0);
    expect(ready.pairs[0].similarity).toBeGreaterThan(ready.pairs[1]?.similarity ?? 0);
    const people = ready.pairs.flatMap((p: { left: string; right: string }) => [p.left, p.right]);
    expect(people).not.toContain("prof");
    expect(people).not.toContain("dave");

    // The course's TA reads it too, from the cache.
    const ta = await t.call("dave", "GET", url(id));
    expect(ta.status).toBe(200);
    expect(ta.json.computedAt).toBe(ready.computedAt);
  });

  it("marks the ranking stale after a new submission, recomputes it, and gives CSV and the HTML report", async () => {
    const id = await course();
    await submit("alice", id, solution);
    await submit("bob", id, renamed);
    await t.call("prof", "GET", url(id));
    const before = await untilReady(id);
    expect(before.submissions).toBe(2);

    await submit("carol", id, solution);
    const stale = await t.call("prof", "GET", url(id));
    expect(stale.status).toBe(200);
    expect(stale.json).toMatchObject({ stale: true, recomputing: true, submissions: 2, computedAt: before.computedAt });
    const after = await untilReady(id);
    expect(after.submissions).toBe(3);
    expect(after.pairs.some((p: { left: string; right: string }) => p.left === "carol" || p.right === "carol")).toBe(true);

    const csv = await t.call("prof", "GET", url(id, "&format=csv"));
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe("rank,left,right,similarity,longest,overlap");
    expect(lines).toHaveLength(after.totalPairs + 2);

    const html = await t.call("prof", "GET", url(id, "&format=html"));
    expect(html.headers["content-type"]).toMatch(/^text\/html/);
    expect(html.headers["content-disposition"]).toBe(`attachment; filename="similarity-${id}-hw.html"`);
    expect(html.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(html.text).toContain(NOTICE);
    expect(html.text).toContain("<p>3 submissions,");
    expect(html.text).toMatch(/<mark class="f0"/);
  });

  it("is for the course's staff: students and another course's staff get 403", async () => {
    const id = await course();
    const other = `sim-other${++courses}`;
    await t.call("prof", "POST", "/courses", { id: other, title: "Other" });
    await t.call("prof", "PUT", `/courses/${other}/members/carol`, { role: "instructor" });
    await t.call("prof", "DELETE", `/courses/${id}/members/carol`);
    for (const who of ["alice", "bob"] as const) {
      const got = await t.call(who, "GET", url(id));
      expect(got.status, who).toBe(403);
      expect(got.json).toMatchObject({ error: "forbidden", details: { field: "course" } });
    }
    expect((await t.call("carol", "GET", url(id))).status).toBe(403);
    expect((await t.call("carol", "GET", `/similarity?course=${other}&assignment=default`)).status).toBe(202);
  });

  it("names what is missing or unknown", async () => {
    const id = await course();
    const missing = await t.call("prof", "GET", `/similarity?course=${id}`);
    expect(missing.status).toBe(400);
    expect(missing.json).toMatchObject({ error: "validation_error", details: { issues: [{ field: "assignment" }] } });
    const noCourse = await t.call("prof", "GET", "/similarity?assignment=hw");
    expect(noCourse.json.details.issues[0].field).toBe("course");
    expect((await t.call("prof", "GET", url(id, "&format=pdf"))).status).toBe(400);
    const unknownCourse = await t.call("prof", "GET", "/similarity?course=nope&assignment=hw");
    expect(unknownCourse.status).toBe(404);
    expect(unknownCourse.json.details.field).toBe("course");
    const unknownAssignment = await t.call("prof", "GET", `/similarity?course=${id}&assignment=nope`);
    expect(unknownAssignment.status).toBe(404);
    expect(unknownAssignment.json.details.field).toBe("assignment");
    expect((await t.call(null, "GET", url(id))).status).toBe(401);
    const openapi = (await t.app.inject({ method: "GET", url: "/openapi.json" })).json();
    expect(Object.keys(openapi.paths["/v1/similarity"].get.responses)).toEqual(expect.arrayContaining(["200", "202", "403", "404"]));
  });
});

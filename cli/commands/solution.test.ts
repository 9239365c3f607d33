import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises } from "../../exercises/index.ts";
import { startCourseApp } from "../../tests/helpers/course-app.ts";

/** What students are meant to see: every starter and description. */
const shown = exercises.flatMap((e) => [e.starter, e.description]).join("\n");

/** The lines of an exercise's model solution that no starter or description also shows. */
function solutionOnlyLines(id: string): string[] {
  const exercise = exercises.find((e) => e.id === id)!;
  return exercise.solution.split("\n").map((l) => l.trim()).filter((l) => l.length >= 12 && !shown.includes(l));
}

/** Every string anywhere in a JSON value, one per line: what a client could read. */
function strings(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(strings).join("\n");
  if (value && typeof value === "object") return Object.values(value).map(strings).join("\n");
  return "";
}

describe("model solutions stay off the API", () => {
  let course: Awaited<ReturnType<typeof startCourseApp>>;
  beforeAll(async () => {
    course = await startCourseApp();
  });
  afterAll(async () => course.close());

  it("every exercise has solution lines a leak would show", () => {
    for (const id of EXERCISE_IDS) expect(solutionOnlyLines(id).length, id).toBeGreaterThan(0);
  });

  it.each(EXERCISE_IDS)("GET /v1/exercises/%s carries none of its solution, to a student or to staff", async (id) => {
    for (const key of ["alice", "prof"] as const) {
      const r = await course.call(key, "GET", `/exercises/${id}`);
      expect(r.status).toBe(200);
      const served = strings(r.json);
      expect(served).toContain(exercises.find((e) => e.id === id)!.starter.trim().split("\n")[0]);
      for (const line of solutionOnlyLines(id)) expect(served, `${key}: ${line}`).not.toContain(line);
    }
  });

  it("the whole catalogue with ?detail=true carries no solution either", async () => {
    const served = strings((await course.call("alice", "GET", "/exercises?detail=true")).json);
    for (const id of EXERCISE_IDS) for (const line of solutionOnlyLines(id)) expect(served, line).not.toContain(line);
  });
});

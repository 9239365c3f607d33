import { afterAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises, solutionModule, starterModule } from "../../exercises/index.ts";
import { createGrader, parseGraderConfig, type Report } from "../../grader/index.ts";
import { createSandboxPool } from "../../grader/sandbox/pool.ts";
import { NOISE_SUBMISSION } from "./noise.ts";
import { applyEdits, MISTAKE_SUBMISSIONS } from "./submissions.ts";

const config = parseGraderConfig({ typecheck: false });
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, maxOutputElements: config.maxOutputElements, log: silent });
const grader = createGrader({ pool, exercises, log: silent, config });
afterAll(async () => {
  await grader.close();
  await pool.close(1000);
});

function diagnosed(report: Report): string[] {
  return report.exercises.flatMap((e) => [...(e.mistake ? [e.mistake.id] : []), ...e.cases.flatMap((c) => (c.mistake ? [c.mistake.id] : []))]);
}

describe("the catalogue's submissions", () => {
  it("cover every catalogued mistake once", () => {
    expect(MISTAKE_SUBMISSIONS.map((s) => s.mistake).sort()).toEqual(exercises.flatMap((e) => e.mistakes.map((m) => m.id)).sort());
  });
});

describe.each(MISTAKE_SUBMISSIONS)("a submission making $mistake", ({ mistake, exercise, edits }) => {
  it("is diagnosed with that mistake, on wrong cases only, and for the exercise", async () => {
    const source = applyEdits(solutionModule([exercise]), edits);
    const report = await grader.grade({ source, exercises: [exercise] });
    const graded = report.exercises[0]!;
    expect(graded.status).not.toBe("passed");
    const named = graded.cases.filter((c) => c.mistake?.id === mistake);
    expect(named.length).toBeGreaterThanOrEqual(1);
    for (const c of graded.cases.filter((c) => c.mistake)) expect(c.outcome).toBe("wrong");
    expect(graded.mistake?.id).toBe(mistake);
    expect(graded.mistake?.hint).toBe(exercises.find((e) => e.id === exercise)!.mistakes.find((m) => m.id === mistake)!.hint);
  });
});

describe("no diagnosis where there is no known mistake", () => {
  it("the model solution", async () => {
    const report = await grader.grade({ source: solutionModule() });
    expect(report.score).toBe(report.maxScore);
    expect(diagnosed(report)).toEqual([]);
    expect(report.catalogueVersion).toMatch(/^[0-9a-f]{12}$/);
  });

  it("the starters", async () => {
    const report = await grader.grade({ source: starterModule() });
    expect(report.score).toBe(0);
    expect(diagnosed(report)).toEqual([]);
  });

  it("seeded noise of the right shapes", async () => {
    const report = await grader.grade({ source: NOISE_SUBMISSION });
    // Right shapes, wrong values: every exercise fails on values, not on shape or a throw.
    expect(report.exercises.map((e) => e.id)).toEqual([...EXERCISE_IDS]);
    for (const e of report.exercises) expect(e.cases.filter((c) => !c.visible).every((c) => c.outcome === "wrong" && !/shape/.test(c.message))).toBe(true);
    expect(diagnosed(report)).toEqual([]);
  });
});

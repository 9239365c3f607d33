import { describe, expect, it } from "vitest";
import { parseGraderConfig } from "../../grader/config.ts";
import { createGrader } from "../../grader/index.ts";
import type { LocalGrader } from "../../grader/local.ts";
import type { SandboxPool } from "../../grader/sandbox/protocol.ts";
import { fakeExercise, fakePool, fakeRecipe, recordingLog } from "../../grader/test-fakes.ts";
import { checkExercise, firstBitDifference } from "./check.ts";

const f64 = (...xs: number[]) => Float64Array.from(xs);

describe("firstBitDifference", () => {
  it.each<[string, unknown, unknown]>([
    ["equal tensors", { shape: [2], data: f64(1, 2) }, { shape: [2], data: f64(1, 2) }],
    ["NaN and NaN", NaN, NaN],
    ["nested tuples", [f64(0.1), [1, "a"]], [f64(0.1), [1, "a"]]],
    ["subarray views with equal bytes", f64(9, 1, 2).subarray(1), f64(1, 2)],
  ])("%s are identical", (_name, a, b) => expect(firstBitDifference(a, b)).toBeUndefined());

  it.each<[string, unknown, unknown, RegExp]>([
    ["last-bit float difference", f64(0.1 + 0.2), f64(0.3), /byte \d differs/],
    ["-0 vs 0 in a number", -0, 0, /^the value: -0 vs 0$/],
    ["-0 vs 0 in a typed array", f64(-0), f64(0), /byte 7 differs/],
    ["different tuple lengths", [1], [1, 2], /different array lengths/],
    ["typed vs plain array", f64(1), [1], /only one is a typed array/],
    ["Float32 vs Float64", Float32Array.of(1, 1), f64(1), /different array types/],
    ["a different key value", { shape: [2], data: f64(1, 2) }, { shape: [3], data: f64(1, 2) }, /^\.shape\[0\]: 2 vs 3$/],
  ])("%s is reported", (_name, a, b, message) => expect(firstBitDifference(a, b)).toMatch(message));
});

describe("checkExercise finds what a staff self-test must catch", () => {
  const config = parseGraderConfig({ typecheck: false });
  const recipes = [fakeRecipe("x=[3]", true, [1, 2, 3]), fakeRecipe("x=[2]", false, [-1, 4])];
  const exercise = fakeExercise("zero_pad", 10, recipes);

  function localWith(pool: SandboxPool): LocalGrader {
    const grader = createGrader({ pool, exercises: [exercise], log: recordingLog(), config });
    return { grader, pool, close: async () => {} };
  }

  it("a starter that scores is a problem (here every answer is right)", async () => {
    const { problems } = await checkExercise(exercise, localWith(fakePool(() => 2)), config);
    expect(problems).toEqual(["starter scores 10 (expected 0, passed)"]);
  });

  it("a model solution short of full marks is a problem, with the failing cases", async () => {
    const { problems } = await checkExercise(exercise, localWith(fakePool(() => 5)), config);
    expect(problems[0]).toBe("model solution scores 0/10 (failed)");
    expect(problems[1]).toMatch(/^ {2}x=\[3\]: 3 of 3 values differ/);
  });

  it("outputs that differ between two runs are a problem", async () => {
    let calls = 0;
    // Right answers every time, but a -0 where a 0 was: equal under tolerance, not bit-identical.
    const flaky = fakePool(() => 2);
    const run = flaky.run.bind(flaky);
    flaky.run = async (job) => {
      const result = await run(job);
      if (++calls % 2 === 1) return result;
      const [first] = result.exercises;
      if (first?.kind !== "ran") return result;
      const [head, ...rest] = first.cases;
      const value = head?.kind === "returned" ? (head.value as [{ shape: number[]; data: Float64Array }, string]) : undefined;
      if (!value) return result;
      const data = Float64Array.from(value[0].data);
      data[0] = data[0] === 0 ? -0 : (data[0] as number) * (1 + Number.EPSILON);
      return { ...result, exercises: [{ ...first, cases: [{ kind: "returned", value: [{ shape: value[0].shape, data }, "cache"], durationMs: 1 }, ...rest] }] };
    };
    const { problems } = await checkExercise(exercise, localWith(flaky), config);
    expect(problems).toContain("model solution's output for case x=[3] differs between two runs: output[0].data: byte 0 differs");
  });
});

import { describe, expect, it } from "vitest";
import type { CaseRecipe, Exercise, Value } from "../exercises/types.ts";
import { fakeExercise, fakeRecipe, fakeTensor } from "./test-fakes.ts";
import { createExpectedCache, type PreparedCase } from "./expected.ts";
import { compileErrorReport, scoreExercise } from "./score.ts";
import type { SandboxCaseResult, SandboxExerciseResult } from "./sandbox/protocol.ts";

const recipe = (name: string, visible: boolean, input: number[]) => fakeRecipe(name, visible, input);
const t = fakeTensor;

const recipes = [recipe("visible x=[3]", true, [1, 2, 3]), recipe("hidden x=[2]", false, [-1, 4]), recipe("hidden x=[1]", false, [5]), recipe("hidden x=[4]", false, [0, 1, 0, 1])];
const zeroPad = fakeExercise("zero_pad", 10, recipes);
const poolBackward = fakeExercise("pool_backward", 15, recipes.slice(0, 2));

function prepare(e: Exercise): readonly PreparedCase[] {
  return createExpectedCache().get(e);
}

const returned = (value: Value): SandboxCaseResult => ({ kind: "returned", value, durationMs: 2 });
const doubled = (p: PreparedCase, k = 2): SandboxCaseResult => {
  const x = p.args[0] as { shape: number[]; data: Float64Array };
  return returned([{ shape: x.shape, data: x.data.map((v) => v * k) }, "cache"]);
};

describe("scoreExercise", () => {
  const prepared = prepare(zeroPad);
  const ran = (cases: SandboxCaseResult[]): SandboxExerciseResult => ({ id: "zero_pad", kind: "ran", cases });

  it("all correct -> passed with full points and no message noise", () => {
    const r = scoreExercise(zeroPad, prepared, ran(prepared.map((p) => doubled(p))));
    expect([r.status, r.score, r.maxScore]).toEqual(["passed", 10, 10]);
    expect(r.cases.map((c) => c.outcome)).toEqual(["passed", "passed", "passed", "passed"]);
    expect(r.cases.map((c) => c.durationMs)).toEqual([2, 2, 2, 2]);
  });

  it("passed/wrong/error/timeout/memory_limit -> partial, points * passed / cases, one message each", () => {
    const [p0, p1] = prepared as [PreparedCase, PreparedCase];
    const r = scoreExercise(
      zeroPad,
      prepared,
      ran([doubled(p0), doubled(p1, 5), { kind: "threw", message: "TypeError: x is undefined", durationMs: 1 }, { kind: "timeout", limitMs: 1000 }]),
    );
    expect([r.status, r.score]).toEqual(["partial", 2.5]);
    expect(r.cases.map((c) => [c.outcome, c.message])).toEqual([
      ["passed", "passed"],
      ["wrong", expect.stringMatching(/^2 of 2 values differ; first at \[0\]: expected -2, got -5/)],
      ["error", "threw: TypeError: x is undefined"],
      ["timeout", "did not finish within the 1000 ms time limit"],
    ]);
    expect(r.cases[3]?.durationMs).toBeUndefined();
  });

  it.each<[string, SandboxCaseResult, string, RegExp]>([
    ["bad_output", { kind: "bad_output", reason: "ragged array at [1]", durationMs: 1 }, "wrong", /^ragged array at \[1\]$/],
    ["memory_limit", { kind: "memory_limit", limitMb: 64 }, "memory_limit", /64 MB memory limit/],
    ["select rejects structure", returned(7), "wrong", /^expected \[out, cache\]$/],
    ["returned a scalar for a tensor", returned([3, "cache"]), "wrong", /expected a tensor of shape \(3,\)/],
  ])("case result %s -> %s", (_name, result, outcome, message) => {
    const cases = prepared.map((p, i) => (i === 0 ? result : doubled(p)));
    const r = scoreExercise(zeroPad, prepared, ran(cases));
    expect(r.cases[0]?.outcome).toBe(outcome);
    expect(r.cases[0]?.message).toMatch(message);
    expect([r.status, r.score]).toEqual(["partial", 7.5]);
  });

  it("nothing passes -> failed, 0 points", () => {
    const r = scoreExercise(zeroPad, prepared, ran(prepared.map(() => ({ kind: "timeout", limitMs: 5 }))));
    expect([r.status, r.score]).toEqual(["failed", 0]);
  });

  it("rounds fractional points to 2 decimals (the one rounding rule, grader/round-score.ts)", () => {
    const three = fakeExercise("zero_pad", 10, recipes.slice(0, 3));
    const p = prepare(three);
    const r = scoreExercise(three, p, { id: "zero_pad", kind: "ran", cases: [doubled(p[0] as PreparedCase), { kind: "timeout", limitMs: 1 }, { kind: "timeout", limitMs: 1 }] });
    expect(r.score).toBe(3.33);
  });

  it("missing export -> status missing, every case reported as not run", () => {
    const r = scoreExercise(zeroPad, prepared, { id: "zero_pad", kind: "missing", message: "zero_pad is not exported" });
    expect([r.status, r.score, r.message]).toEqual(["missing", 0, "zero_pad is not exported"]);
    expect(r.cases.map((c) => [c.outcome, c.message])).toEqual(prepared.map(() => ["error", "not run: zero_pad is not exported"]));
  });

  it("module_error -> failed, every case error with the module's message", () => {
    const r = scoreExercise(zeroPad, prepared, { id: "zero_pad", kind: "module_error", message: "Error: top-level throw" });
    expect(r.status).toBe("failed");
    expect(r.cases.every((c) => c.outcome === "error" && c.message.includes("top-level throw"))).toBe(true);
  });

  it("compile error -> compile_error for the exercise", () => {
    const r = compileErrorReport(zeroPad, prepared);
    expect([r.status, r.score, r.cases.length]).toEqual(["compile_error", 0, 4]);
    // Nothing ran: the cases say so, and none reads as if the student's code threw.
    expect(r.cases.map((c) => c.message)).toEqual(prepared.map(() => "not run: the module did not compile (see the compiler's message)"));
    expect(r.message).toMatch(/did not compile, so no case ran/);
  });

  it.each<[string, SandboxExerciseResult]>([
    ["a result for another exercise", { id: "conv_forward", kind: "ran", cases: [] }],
    ["too few case results", { id: "zero_pad", kind: "ran", cases: [] }],
  ])("throws on %s (infrastructure fault)", (_name, result) => {
    expect(() => scoreExercise(zeroPad, prepared, result)).toThrow(/sandbox/);
  });
});

describe("visible-case printouts", () => {
  const prepared = prepare(zeroPad);
  it("shows the worksheet printout of the student's answer and of the expected one, for visible cases only", () => {
    const cases = prepared.map((p, i) => (i === 0 ? doubled(p, 4) : doubled(p)));
    const r = scoreExercise(zeroPad, prepared, { id: "zero_pad", kind: "ran", cases });
    expect(r.cases[0]?.printout).toEqual({ got: "first = 4", expected: "first = 2" });
    expect(r.cases.slice(1).every((c) => c.printout === undefined)).toBe(true);
  });
  it("survives a printout that throws on the student's value", () => {
    const cases = prepared.map((p, i) => (i === 0 ? returned([[1, 2, 3], "cache"]) : doubled(p)));
    const r = scoreExercise(zeroPad, prepared, { id: "zero_pad", kind: "ran", cases });
    expect(r.cases[0]?.outcome).toBe("wrong");
    expect(r.cases[0]?.printout?.got).toMatch(/could not print this value: not a tensor/);
  });
});

describe("pool_backward variants", () => {
  const prepared = prepare(poolBackward);
  const ran = (k: number[]): SandboxExerciseResult => ({ id: "pool_backward", kind: "ran", cases: prepared.map((p, i) => doubled(p, k[i] as number)) });

  it.each([
    ["assign", [2, 2], ["assign", "assign"]],
    ["accumulate", [3, 3], ["accumulate", "accumulate"]],
    ["one of each", [2, 3], ["assign", "accumulate"]],
  ])("answers matching %s get full credit and say which matched", (_name, k, variants) => {
    const r = scoreExercise(poolBackward, prepared, ran(k));
    expect([r.status, r.score]).toEqual(["passed", 15]);
    expect(r.cases.map((c) => c.variant)).toEqual(variants);
    expect(r.cases.map((c) => c.message)).toEqual(variants.map((v) => `passed: matches the ${v} answer (one of 2 accepted)`));
  });

  it("a wrong shape fails both answers the same way and says so once", () => {
    const r = scoreExercise(poolBackward, prepared, { id: "pool_backward", kind: "ran", cases: prepared.map(() => returned([t([1], 0), "cache"])) });
    expect(r.cases[0]?.message).toBe("expected shape (3,), got (1,)");
  });

  it("an answer matching neither is wrong and compared with the first", () => {
    const r = scoreExercise(poolBackward, prepared, ran([5, 2]));
    expect(r.cases[0]?.outcome).toBe("wrong");
    expect(r.cases[0]?.message).toMatch(/^3 of 3 values differ; first at \[0\]: expected 2, got 5; max error 9 at \[2\] \(compared with the assign answer; the other accepted answer did not match either\)$/);
  });
});

describe("expected cache", () => {
  it("builds each exercise's cases once and reuses them", () => {
    let builds = 0;
    const counted = fakeExercise("zero_pad", 10, [{ ...recipes[0] as CaseRecipe, build: () => (builds++, [t([1], 1)]) }]);
    const cache = createExpectedCache();
    expect(cache.get(counted)).toBe(cache.get(counted));
    expect(builds).toBe(1);
  });
});

describe("scoreExercise names known mistakes", () => {
  const prepared = prepare(zeroPad);
  const ran = (cases: SandboxCaseResult[]): SandboxExerciseResult => ({ id: "zero_pad", kind: "ran", cases });
  const named = (r: ReturnType<typeof scoreExercise>) => r.cases.map((c) => c.mistake?.id);

  it("a mistake every wrong case shares is named on each, hidden ones too, and for the exercise", () => {
    const r = scoreExercise(zeroPad, prepared, ran(prepared.map((p, i) => doubled(p, i === 3 ? 2 : 4))));
    expect(r.cases.map((c) => c.outcome)).toEqual(["wrong", "wrong", "wrong", "passed"]);
    expect(named(r)).toEqual(["zero_pad/times_four", "zero_pad/times_four", "zero_pad/times_four", undefined]);
    expect(r.cases[1]).toMatchObject({ visible: false, mistake: { id: "zero_pad/times_four", hint: "doubled twice" } });
    expect(r.mistake).toEqual({ id: "zero_pad/times_four", hint: "doubled twice" });
  });

  it("different mistakes on different cases are named per case, none for the exercise", () => {
    const r = scoreExercise(zeroPad, prepared, ran(prepared.map((p, i) => doubled(p, i < 2 ? 4 : -2))));
    expect(named(r)).toEqual(["zero_pad/times_four", "zero_pad/times_four", "zero_pad/negated", "zero_pad/negated"]);
    expect(r.mistake).toBeUndefined();
  });

  it("an answer no mistake gives is named nothing, and stops the exercise-level claim", () => {
    const r = scoreExercise(zeroPad, prepared, ran(prepared.map((p, i) => doubled(p, i === 0 ? 5 : 4))));
    expect(named(r)).toEqual([undefined, "zero_pad/times_four", "zero_pad/times_four", "zero_pad/times_four"]);
    expect(r.mistake).toBeUndefined();
    const none = scoreExercise(zeroPad, prepared, ran(prepared.map((p) => doubled(p, 5))));
    expect(named(none)).toEqual([undefined, undefined, undefined, undefined]);
    expect(none.mistake).toBeUndefined();
  });

  it("errors and timeouts are never diagnosed and do not stop the exercise-level claim", () => {
    const [p0, p1, p2] = prepared as [PreparedCase, PreparedCase, PreparedCase];
    const r = scoreExercise(zeroPad, prepared, ran([doubled(p0, 4), doubled(p1, 4), doubled(p2, 4), { kind: "timeout", limitMs: 1000 }]));
    expect(named(r)).toEqual(["zero_pad/times_four", "zero_pad/times_four", "zero_pad/times_four", undefined]);
    expect(r.mistake?.id).toBe("zero_pad/times_four");
  });

  it("where several mistakes match, the first (most specific) in catalogue order is named", () => {
    const broad = { id: "zero_pad/wrong_scale", hint: "scaled wrongly", kernel: (args: readonly Value[]) => [4, -2].map((k) => ({ shape: (args[0] as { shape: number[] }).shape, data: (args[0] as { data: Float64Array }).data.map((v) => v * k) })) };
    const exercise: Exercise = { ...zeroPad, mistakes: [...zeroPad.mistakes, broad] };
    const p = prepare(exercise);
    const r = scoreExercise(exercise, p, ran(p.map((c) => doubled(c, 4))));
    expect(r.mistake?.id).toBe("zero_pad/times_four");
    // ×4 on some cases and ×-2 on others: only the broad mistake matches them all.
    const mixed = scoreExercise(exercise, p, ran(p.map((c, i) => doubled(c, i < 2 ? 4 : -2))));
    expect([mixed.mistake?.id, ...named(mixed)]).toEqual(["zero_pad/wrong_scale", "zero_pad/wrong_scale", "zero_pad/wrong_scale", "zero_pad/wrong_scale", "zero_pad/wrong_scale"]);
  });

  it("a wrong answer of another kind than the graded part is compared whole", () => {
    const exercise: Exercise = { ...zeroPad, mistakes: [{ id: "zero_pad/returns_sum", hint: "summed", kernel: (args) => [Array.from((args[0] as { data: Float64Array }).data).reduce((a, b) => a + b, 0)] }] };
    const p = prepare(exercise);
    const sums = p.map((c) => returned(Array.from((c.args[0] as { data: Float64Array }).data).reduce((a, b) => a + b, 0)));
    const r = scoreExercise(exercise, p, ran(sums));
    expect(r.cases.map((c) => c.outcome)).toEqual(["wrong", "wrong", "wrong", "wrong"]);
    expect(r.mistake?.id).toBe("zero_pad/returns_sum");
  });
});

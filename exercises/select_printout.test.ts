import { describe, expect, it } from "vitest";
import * as reference from "../reference/index.ts";
import type { ConvCache, PoolCache, PoolMode, Tensor } from "../reference/index.ts";
import { EXERCISE_IDS, getExercise, type ExerciseId, type Value } from "./index.ts";

function bits(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Float64Array ? `f64:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}` : v,
  );
}

const t = (shape: number[], data?: number[]): Tensor => ({
  shape,
  data: data ? Float64Array.from(data) : new Float64Array(shape.reduce((a, b) => a * b, 1)),
});

/** Each function's whole return value, as the reference (and a correct student) produces it. */
const FULL_OUTPUT: Record<ExerciseId, (args: Value[]) => Value> = {
  zero_pad: ([X, pad]) => reference.zero_pad(X as Tensor, pad as number),
  convolve_window: ([a, W, b]) => reference.convolve_window(a as Tensor, W as Tensor, b as Tensor),
  conv_forward: ([A, W, b, hp]) => reference.conv_forward(A as Tensor, W as Tensor, b as Tensor, hp as ConvCache[3]) as unknown as Value,
  conv_backward: ([dZ, cache]) => reference.conv_backward(dZ as Tensor, cache as unknown as ConvCache),
  pool_forward: ([A, hp, mode]) => reference.pool_forward(A as Tensor, hp as PoolCache[1], mode as PoolMode) as unknown as Value,
  create_mask_from_window: ([x]) => reference.create_mask_from_window(x as Tensor),
  distribute_value: ([dz, shape]) => reference.distribute_value(dz as number, shape as [number, number]),
  pool_backward: ([dA, cache, mode]) => reference.pool_backward(dA as Tensor, cache as unknown as PoolCache, mode as PoolMode),
};

describe("select", () => {
  const visibleCases = EXERCISE_IDS.flatMap((id) => getExercise(id).cases.filter((c) => c.visible).map((c) => [id, c.name, c] as const));

  it.each(visibleCases)("%s %s: picks the graded part of the reference's own output", (id, _name, recipe) => {
    const exercise = getExercise(id);
    const args = recipe.build();
    const selection = exercise.select(FULL_OUTPUT[id](args));
    expect(selection.ok).toBe(true);
    if (selection.ok) expect(bits(selection.value)).toBe(bits(exercise.expected(args)[0]!.value));
  });

  it.each([
    ["zero_pad", "Float32Array data", { shape: [1, 2], data: Float32Array.from([1.5, -2]) }, t([1, 2], [1.5, -2])],
    ["convolve_window", "a one-element tensor as the scalar", t([1, 1], [-4.25]), -4.25],
    ["convolve_window", "a non-finite number", Number.NaN, Number.NaN],
    ["pool_forward", "[A, cache] with any cache", [t([1, 1, 1, 1], [3]), "not graded"], t([1, 1, 1, 1], [3])],
    ["create_mask_from_window", "a nested boolean array", [[true, false], [false, false]], t([2, 2], [1, 0, 0, 0])],
    ["distribute_value", "{ shape, data: number[] }", { shape: [1, 2], data: [0.5, 0.5] }, t([1, 2], [0.5, 0.5])],
    ["conv_forward", "Z as nested arrays", [[[[[1, 2]]]], "cache"], t([1, 1, 1, 2], [1, 2])],
    ["convolve_window", "a one-element array", [2.5], 2.5],
  ] as const)("%s accepts %s", (id, _what, output, selected) => {
    const selection = getExercise(id).select(output as unknown as Value);
    expect(selection).toEqual({ ok: true, value: selected });
  });

  const Z = t([10, 7, 7, 8]);
  it.each([
    ["zero_pad", "an array holding the tensor", [t([2, 2])], /expected x_pad as a tensor, got an array of 1 item/],
    ["zero_pad", "a malformed tensor", { shape: [2, 2], data: new Float64Array(3) }, /malformed tensor \(shape \(2, 2\) but 3 values\)/],
    ["zero_pad", "a shape with a fraction", { shape: [1.5], data: new Float64Array(1) }, /expected x_pad as a tensor, got an object with keys shape, data/],
    ["convolve_window", "the product tensor instead of its sum", t([4, 4, 3]), /expected Z as a number, got a tensor of shape \(4, 4, 3\)/],
    ["convolve_window", "a string", "-21.3", /expected Z as a number, got a string/],
    ["conv_forward", "a number", 3, /expected \[Z, cache\], got a number \(3\)/],
    ["conv_forward", "Z without the cache", Z, /expected \[Z, cache\], got a tensor of shape \(10, 7, 7, 8\)/],
    ["conv_forward", "a one-item array", [Z], /expected \[Z, cache\], got an array of 1 item/],
    ["conv_forward", "a string where Z goes", ["Z", []], /expected \[Z, cache\] with Z a tensor, got Z = a string/],
    ["conv_backward", "two gradients", [t([1]), t([1])], /expected \[dA_prev, dW, db\], got an array of 2 items/],
    ["conv_backward", "a number for db", [t([1]), t([1]), 5], /with db a tensor, got db = a number \(5\)/],
    ["pool_forward", "null", null, /expected \[A, cache\], got null/],
    ["create_mask_from_window", "a boolean", true, /expected mask as a tensor, got a boolean \(true\)/],
    ["distribute_value", "an empty object", {}, /got an empty object/],
    ["distribute_value", "a ragged nested array", [[1, 2], [3]], /expected the distributed value as a tensor, got an array of 2 items/],
    ["distribute_value", "{ shape, data } with too few values", { shape: [2, 2], data: [1, 2, 3] }, /got an object with keys shape, data/],
    ["pool_backward", "a number", 0, /expected dA_prev as a tensor, got a number \(0\)/],
  ] as const)("%s rejects %s", (id, _what, output, reason) => {
    const selection = getExercise(id).select(output as unknown as Value);
    expect(selection.ok).toBe(false);
    if (!selection.ok) expect(selection.reason).toMatch(reason);
  });
});

describe("printout", () => {
  it.each(EXERCISE_IDS)("%s: prints the expected value of every visible case in a few lines", (id) => {
    const exercise = getExercise(id);
    for (const recipe of exercise.cases.filter((c) => c.visible)) {
      const printed = exercise.printout(exercise.expected(recipe.build())[0]!.value);
      expect(printed.length).toBeGreaterThan(5);
      expect(printed.split("\n").length).toBeLessThanOrEqual(16);
    }
  });

  it.each(EXERCISE_IDS)("%s: stays short for the largest hidden case", (id) => {
    const exercise = getExercise(id);
    for (const recipe of exercise.cases) {
      const printed = exercise.printout(exercise.expected(recipe.build())[0]!.value);
      expect(printed.split("\n").length).toBeLessThanOrEqual(30);
    }
  });

  const badValues: readonly (readonly [string, unknown, RegExp])[] = [
    ["a number", 7, /a number \(7\)/],
    ["null", null, /null/],
    ["a string", "oops", /a string/],
    ["a malformed tensor", { shape: [3], data: new Float64Array(2) }, /malformed tensor/],
    ["an empty array", [], /an array of 0 items|a tensor|expected/],
  ];
  const badForExercise = EXERCISE_IDS.flatMap((id) =>
    badValues.filter(([what]) => !(id === "convolve_window" && what === "a number")).map(([what, value, pattern]) => [id, what, value, pattern] as const),
  );
  it.each(badForExercise)(
    "%s: says what it got for %s",
    (id, _what, value, pattern) => {
      const exercise = getExercise(id);
      let printed = "";
      expect(() => (printed = exercise.printout(value as Value))).not.toThrow();
      expect(printed).toMatch(pattern);
    },
  );

  it.each([
    ["zero_pad", "a rank-1 tensor", t([3]), "x_pad[1,1]: no such index for shape (3,)"],
    ["conv_forward", "too small a batch", t([2, 7, 7, 8]), "Z[3,2,1]: no such index for shape (2, 7, 7, 8)"],
    ["pool_forward", "m = 1 with more than 24 values", t([1, 5, 5, 1]), "A[1, 1]: no such index for shape (1, 5, 5, 1)"],
    ["pool_backward", "an empty tensor", t([0, 2, 2, 1]), "mean of dA_prev = nan (empty)"],
    ["conv_backward", "a number among the gradients", [t([1], [2]), 5, t([1], [4])], "dW: expected a tensor, got a number (5)"],
  ] as const)("%s: copes with %s", (id, _what, value, line) => {
    expect(getExercise(id).printout(value as unknown as Value).split("\n")).toContain(line);
  });
});

import { describe, expect, it } from "vitest";
import { checkTensor, compareValues, formatIndex, formatShape, valuesMatch } from "./compare.ts";
import type { Value } from "../exercises/types.ts";

const tol = { atol: 1e-7, rtol: 1e-7 };

function tensor(shape: number[], fill: (i: number) => number = (i) => i * 0.5 - 3): { shape: number[]; data: Float64Array } {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: Float64Array.from({ length: size }, (_, i) => fill(i)) };
}

function withChange(t: { shape: number[]; data: Float64Array }, changes: Record<number, number>) {
  const data = Float64Array.from(t.data);
  for (const [i, v] of Object.entries(changes)) data[Number(i)] = v;
  return { shape: [...t.shape], data };
}

const base = tensor([2, 3, 3, 2]);
// flat index of [1, 2, 0, 1] in (2, 3, 3, 2): 1*18 + 2*6 + 0*2 + 1
const at1201 = 31;

describe("compareValues passes", () => {
  const cases: [string, unknown, Value][] = [
    ["identical tensor x=[2,3,3,2]", withChange(base, {}), base],
    ["error inside atol+rtol*|want|", withChange(base, { [at1201]: (base.data[at1201] as number) + 1e-7 }), base],
    ["number[] data", { shape: [2, 3, 3, 2], data: Array.from(base.data) }, base],
    ["Float32Array data of small integers", { shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }, { shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) }],
    ["boolean[] mask as 0/1", { shape: [2, 2], data: [true, false, false, true] }, { shape: [2, 2], data: Float64Array.of(1, 0, 0, 1) }],
    ["Uint8Array mask as 0/1", { shape: [3], data: Uint8Array.of(0, 1, 0) }, { shape: [3], data: Float64Array.of(0, 1, 0) }],
    ["nested arrays for a (2,2) tensor", [[1, 2], [3, 4]], { shape: [2, 2], data: Float64Array.of(1, 2, 3, 4) }],
    ["scalar vs scalar", -1.25, -1.25],
    ["scalar vs 1-element tensor", { shape: [1, 1, 1, 1], data: Float64Array.of(0.5) }, 0.5],
    ["1-element tensor expected, scalar got", 0.5, { shape: [1, 1, 1, 1], data: Float64Array.of(0.5) }],
    ["boolean true vs expected 1", true, 1],
    ["tuple [dA, dW, db]", [base, tensor([2, 2, 2, 3]), tensor([1, 1, 1, 3])], [base, tensor([2, 2, 2, 3]), tensor([1, 1, 1, 3])]],
    ["infinity vs infinity", Infinity, Infinity],
    ["plain object with extra keys", { stride: 1, pad: 2, extra: "x" }, { stride: 1, pad: 2 }],
    ["empty tensor shape (0, 3)", { shape: [0, 3], data: new Float64Array(0) }, { shape: [0, 3], data: new Float64Array(0) }],
  ];
  it.each(cases)("%s", (_name, got, want) => {
    expect(compareValues(got, want, tol)).toEqual({ ok: true });
  });
});

describe("compareValues rejects with a reason", () => {
  const cases: [string, unknown, Value, RegExp][] = [
    ["wrong shape (4,3,3,2) for (4,7,7,2)", tensor([4, 3, 3, 2]), tensor([4, 7, 7, 2]), /^expected shape \(4, 7, 7, 2\), got \(4, 3, 3, 2\)$/],
    ["wrong rank (2,) for (2,1)", tensor([2]), tensor([2, 1]), /expected shape \(2, 1\), got \(2,\)/],
    ["one bad value at [1, 2, 0, 1]", withChange(base, { [at1201]: 100 }), base, /^1 of 36 values differ; first at \[1, 2, 0, 1\]: expected 12\.5, got 100; max error 87\.5 at \[1, 2, 0, 1\]$/],
    ["error just outside atol+rtol*|want| (5e-7 > 4e-7)", withChange(base, { 0: -3 + 5e-7 }), base, /first at \[0, 0, 0, 0\]/],
    ["NaN at [0, 0, 0, 1]", withChange(base, { 1: NaN }), base, /first at \[0, 0, 0, 1\]: expected -2\.5, got NaN; 1 NaN value$/],
    ["max error differs from first bad index", withChange(base, { 2: -1, 5: 100 }), base, /2 of 36 values differ; first at \[0, 0, 1, 0\].*max error 100\.5 at \[0, 0, 2, 1\]/],
    ["scalar wrong", 1.5, 1.25, /^expected 1\.25, got 1\.5 \(error 0\.25\)$/],
    ["scalar NaN", NaN, 1.25, /^got NaN, expected 1\.25$/],
    ["tensor where scalar expected", tensor([2, 2]), 1, /expected a number, got \(2, 2\)/],
    ["number where tensor expected", 3, tensor([2, 2]), /expected a tensor of shape \(2, 2\), got the number 3/],
    ["undefined-ish null where tensor expected", null, tensor([2]), /got null/],
    ["tuple too short", [base], [base, base], /expected a tuple of 2 values, got 1/],
    ["bad second element of tuple", [base, tensor([3])], [base, tensor([2])], /^\[1\]: expected shape \(2,\), got \(3,\)/],
    ["claimed shape bigger than data", { shape: [1000, 1000], data: new Float64Array(4) }, tensor([2, 2]), /malformed: shape \(1000, 1000\) needs 1000000 values but data holds 4/],
    ["negative dimension", { shape: [-2, 2], data: new Float64Array(4) }, tensor([2, 2]), /shape\[0\] is the number -2/],
    ["fractional dimension", { shape: [1.5], data: new Float64Array(1) }, tensor([1]), /shape\[0\] is the number 1\.5/],
    ["astronomical shape", { shape: [1e9, 1e9, 1e9], data: new Float64Array(1) }, tensor([1]), /too large/],
    ["strings in data", { shape: [2], data: [1, "2"] }, tensor([2]), /data\[1\] is the string "2"/],
    ["bigint data", { shape: [2], data: BigInt64Array.of(1n, 2n) }, tensor([2]), /bigints/],
    ["ragged nested arrays", [[1, 2], [3]], tensor([2, 2]), /not a rectangular array of numbers/],
    ["ragged with equal count", [[1, 2, 3], [4]], tensor([2, 2]), /not a rectangular/],
    ["missing key", { stride: 1 }, { stride: 1, pad: 2 }, /missing key "pad"/],
    ["string mismatch", "avg", "average", /expected the string "average", got the string "avg"/],
  ];
  it.each(cases)("%s", (_name, got, want, reason) => {
    const result = compareValues(got, want, tol);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});

describe("formatting", () => {
  it.each([
    [[4, 7, 7, 2], "(4, 7, 7, 2)"],
    [[5], "(5,)"],
    [[], "()"],
  ])("shape %j prints as %s", (shape, text) => expect(formatShape(shape)).toBe(text));

  it.each([
    [0, [2, 3], "[0, 0]"],
    [5, [2, 3], "[1, 2]"],
    [at1201, [2, 3, 3, 2], "[1, 2, 0, 1]"],
  ])("flat %i in %j is %s", (flat, shape, text) => expect(formatIndex(flat, shape)).toBe(text));
});

describe("checkTensor", () => {
  it("keeps a valid Float64Array without copying", () => {
    const t = tensor([2, 2]);
    const checked = checkTensor(t);
    expect(checked.ok && checked.value.data).toBe(t.data);
  });
  it("rejects a shape that is not an array", () => {
    expect(checkTensor({ shape: "2,2", data: [1, 2, 3, 4] })).toEqual({ ok: false, reason: "its shape is not an array" });
  });
});

describe("valuesMatch agrees with compareValues", () => {
  const tol = { atol: 1e-7, rtol: 1e-7 };
  const t = (shape: number[], ...xs: number[]) => ({ shape, data: Float64Array.from(xs) });
  it.each<[string, unknown, Value]>([
    ["equal tensors", t([2], 1, 2), t([2], 1, 2)],
    ["within tolerance", t([2], 1 + 1e-9, 2), t([2], 1, 2)],
    ["one value off", t([2], 1, 2.1), t([2], 1, 2)],
    ["another shape", t([1, 2], 1, 2), t([2], 1, 2)],
    ["NaN where NaN", t([1], NaN), t([1], NaN)],
    ["NaN where a number", t([1], NaN), t([1], 1)],
    ["a malformed tensor", { shape: [3], data: [1, 2] }, t([2], 1, 2)],
    ["tuples, last differs", [t([1], 1), t([1], 2)], [t([1], 1), t([1], 3)]],
    ["tuples, equal", [t([1], 1), t([1], 2)], [t([1], 1), t([1], 2)]],
    ["a tuple of another length", [t([1], 1)], [t([1], 1), t([1], 2)]],
    ["a number", 3, 3],
    ["a number for a tensor", 3, t([2], 3, 3)],
    ["nested arrays for a tensor", [[1, 2]], t([1, 2], 1, 2)],
  ])("%s", (_name, got, want) => {
    expect(valuesMatch(got, want, tol)).toBe(compareValues(got, want, tol).ok);
  });
});

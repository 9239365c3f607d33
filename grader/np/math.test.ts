import { describe, expect, it } from "vitest";
import { NDArray, add, array, divide, equal, max, mean, min, multiply, subtract, sum } from "./index.ts";

const plain = (x: NDArray): { shape: number[]; data: number[] } => ({ shape: x.shape, data: [...x.data] });

describe("elementwise arithmetic with numpy broadcasting", () => {
  const a23 = array([[1, 2, 3], [4, 5, 6]]);
  it.each([
    { name: "(2,3) + (2,3)", got: () => add(a23, [[10, 20, 30], [40, 50, 60]]), shape: [2, 3], data: [11, 22, 33, 44, 55, 66] },
    { name: "(2,3) - scalar", got: () => subtract(a23, 1), shape: [2, 3], data: [0, 1, 2, 3, 4, 5] },
    { name: "scalar - (2,3)", got: () => subtract(1, a23), shape: [2, 3], data: [0, -1, -2, -3, -4, -5] },
    { name: "(2,3) * (3,)", got: () => multiply(a23, [1, 0, -1]), shape: [2, 3], data: [1, 0, -3, 4, 0, -6] },
    { name: "(2,3) / (2,1)", got: () => divide(a23, [[1], [2]]), shape: [2, 3], data: [1, 2, 3, 2, 2.5, 3] },
    { name: "(2,1) + (1,3) -> (2,3)", got: () => add([[1], [2]], [[10, 20, 30]]), shape: [2, 3], data: [11, 21, 31, 12, 22, 32] },
    {
      name: "(3,3,2) + (1,1,2) bias",
      got: () => add(new NDArray([3, 3, 2], Float64Array.from({ length: 18 }, (_, i) => i)), [[[100, 200]]]),
      shape: [3, 3, 2],
      data: Array.from({ length: 18 }, (_, i) => i + (i % 2 === 0 ? 100 : 200)),
    },
    { name: "(2,2) * 0-d", got: () => multiply([[1, 2], [3, 4]], array(3)), shape: [2, 2], data: [3, 6, 9, 12] },
    { name: "(0,3) + (3,)", got: () => add(new NDArray([0, 3], new Float64Array(0)), [1, 2, 3]), shape: [0, 3], data: [] },
    { name: "1 / 0 gives Infinity", got: () => divide([1, -1, 0], 0), shape: [3], data: [Infinity, -Infinity, NaN] },
  ])("$name", ({ got, shape, data }) => {
    expect(plain(got())).toEqual({ shape, data });
  });

  it("methods match the free functions", () => {
    const b = array([[2, 2, 2], [1, 1, 1]]);
    expect(plain(a23.add(b))).toEqual(plain(add(a23, b)));
    expect(plain(a23.sub(b))).toEqual(plain(subtract(a23, b)));
    expect(plain(a23.mul(b))).toEqual(plain(multiply(a23, b)));
    expect(plain(a23.div(b))).toEqual(plain(divide(a23, b)));
    expect(plain(a23.eq(b))).toEqual(plain(equal(a23, b)));
  });

  it("never mutates its operands", () => {
    const x = array([1, 2]);
    x.add(1);
    x.mul([3, 4]);
    expect([...x.data]).toEqual([1, 2]);
  });

  it.each([
    { name: "add (2,3) with (4,)", got: () => add([[1, 2, 3], [4, 5, 6]], [1, 2, 3, 4]), message: "add: cannot broadcast (2,3) with (4,)" },
    { name: "mul (2,2) with (3,1)", got: () => array([[1, 2], [3, 4]]).mul([[1], [2], [3]]), message: "mul: cannot broadcast (2,2) with (3,1)" },
    { name: "subtract a string", got: () => subtract([1], "1" as never), message: 'subtract: expected an NDArray, a number or nested arrays of numbers, got "1"' },
    { name: "divide an object", got: () => divide({} as never, 1), message: "divide: expected an NDArray, a number or nested arrays of numbers, got a value of type Object" },
  ])("rejects $name", ({ got, message }) => {
    expect(got).toThrow(message);
  });
});

describe("equal", () => {
  it.each([
    { name: "(2,2) == its max", x: [[1, 5], [5, -2]], other: 5, data: [0, 1, 1, 0] },
    { name: "(3,) == (3,)", x: [1, 2, 3], other: [1, 0, 3], data: [1, 0, 1] },
    { name: "NaN is never equal", x: [NaN, 1], other: NaN, data: [0, 0] },
    { name: "-0 equals 0", x: [-0], other: 0, data: [1] },
  ])("$name", ({ x, other, data }) => {
    expect([...equal(x, other).data]).toEqual(data);
  });
});

describe("reductions", () => {
  it.each([
    { name: "(2,3) ramp", x: [[1, 2, 3], [4, 5, 6]], sum: 21, mean: 3.5, max: 6, min: 1 },
    { name: "negative only", x: [-3, -1, -2], sum: -6, mean: -2, max: -1, min: -3 },
    { name: "0-d", x: 4, sum: 4, mean: 4, max: 4, min: 4 },
    { name: "with NaN", x: [1, NaN, 3], sum: NaN, mean: NaN, max: NaN, min: NaN },
    { name: "with Infinity", x: [1, Infinity], sum: Infinity, mean: Infinity, max: Infinity, min: 1 },
  ])("$name", ({ name: _name, x, ...want }) => {
    const input = array(x);
    expect({ sum: sum(x), mean: mean(x), max: max(x), min: min(x) }).toEqual(want);
    expect({ sum: input.sum(), mean: input.mean(), max: input.max(), min: input.min() }).toEqual(want);
  });

  it("an empty array sums to 0, has a NaN mean and no max or min", () => {
    const empty = array([]);
    expect(sum(empty)).toBe(0);
    expect(mean(empty)).toBeNaN();
    expect(() => max(empty)).toThrow("max: zero-size array has no maximum");
    expect(() => min(empty)).toThrow("min: zero-size array has no minimum");
  });
});

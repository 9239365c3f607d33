import { describe, expect, it } from "vitest";
import { formatArray, formatScalar, meanOf, subTensor } from "./format.ts";

const t = (shape: number[], data: number[]) => ({ shape, data: Float64Array.from(data) });

// Every expected string below is what numpy 2.4 printed for the same array (print(x) / print(np.float64(x))).
describe("formatScalar matches numpy's float64 print", () => {
  it.each([
    ["integer-valued 2", 2, "2.0"],
    ["half", 0.5, "0.5"],
    ["below 1e-4 goes scientific", 1e-5, "1e-05"],
    ["negative zero", -0, "-0.0"],
    ["shortest round-trip digits", 2.5961295688962513, "2.5961295688962513"],
    ["1e20 scientific", 1e20, "1e+20"],
    ["nan", Number.NaN, "nan"],
    ["-inf", Number.NEGATIVE_INFINITY, "-inf"],
    ["plain decimal", 123456.789, "123456.789"],
  ])("%s", (_name, value, printed) => {
    expect(formatScalar(value)).toBe(printed);
  });
});

describe("formatArray matches numpy's str(array)", () => {
  it.each([
    ["shape=[2,2] constant 0.5", t([2, 2], [0.5, 0.5, 0.5, 0.5]), "[[0.5 0.5]\n [0.5 0.5]]"],
    ["shape=[7,2] zeros", t([7, 2], new Array(14).fill(0)), `[${new Array(7).fill("[0. 0.]").join("\n ")}]`],
    [
      "shape=[8] wraps at 75 columns",
      t([8], [7.913980292337687, 6.256036857653205, 6.045359605768732, 7.004502024730923, 6.210704270738665, -8.850525211884731, -7.633681668624682, 4.189270294881026]),
      "[ 7.91398029  6.25603686  6.04535961  7.00450202  6.21070427 -8.85052521\n -7.63368167  4.18927029]",
    ],
    ["shape=[2,2,2] blank line between blocks", t([2, 2, 2], [0, 0, 0, 0, 0, 0, 1, 0]), "[[[0. 0.]\n  [0. 0.]]\n\n [[0. 0.]\n  [1. 0.]]]"],
    [
      "shape=[3,2] signed zeros and padding",
      t([3, 2], [-0, 0, 2.528325706806398, -0, 0, -0]),
      "[[-0.          0.        ]\n [ 2.52832571 -0.        ]\n [ 0.         -0.        ]]",
    ],
    ["shape=[2] spread over 1e3 goes scientific", t([2], [1e-5, 3]), "[1.e-05 3.e+00]"],
    ["shape=[3] nan among numbers", t([3], [Number.NaN, 1.5, -2]), "[ nan  1.5 -2. ]"],
    [
      "shape=[2,1,1,3] rank 4",
      t([2, 1, 1, 3], [-0.09498455569518806, 0.11180064116073661, -0.14263511437627113, -0.09525107945412513, 0.28325018181376527, 0.33035185381249554]),
      "[[[[-0.09498456  0.11180064 -0.14263511]]]\n\n\n [[[-0.09525108  0.28325018  0.33035185]]]]",
    ],
    ["shape=[] scalar", t([], [1.5]), "1.5"],
    ["shape=[0] empty", t([0], []), "[]"],
  ])("%s", (_name, value, printed) => {
    expect(formatArray(value)).toBe(printed);
  });

  // numpy's output under np.set_printoptions(threshold=64, edgeitems=2), the limits printouts use.
  it.each([
    ["shape=[10,10] summarised", t([10, 10], Array.from({ length: 100 }, (_, i) => i)), "[[ 0.  1. ...  8.  9.]\n [10. 11. ... 18. 19.]\n ...\n [80. 81. ... 88. 89.]\n [90. 91. ... 98. 99.]]"],
    [
      "shape=[3,10,4] summarised on the middle axis only",
      t([3, 10, 4], Array.from({ length: 120 }, (_, i) => i / 7)),
      "[[[ 0.          0.14285714  0.28571429  0.42857143]\n  [ 0.57142857  0.71428571  0.85714286  1.        ]\n  ...\n  [ 4.57142857  4.71428571  4.85714286  5.        ]\n  [ 5.14285714  5.28571429  5.42857143  5.57142857]]\n\n [[ 5.71428571  5.85714286  6.          6.14285714]\n  [ 6.28571429  6.42857143  6.57142857  6.71428571]\n  ...\n  [10.28571429 10.42857143 10.57142857 10.71428571]\n  [10.85714286 11.         11.14285714 11.28571429]]\n\n [[11.42857143 11.57142857 11.71428571 11.85714286]\n  [12.         12.14285714 12.28571429 12.42857143]\n  ...\n  [16.         16.14285714 16.28571429 16.42857143]\n  [16.57142857 16.71428571 16.85714286 17.        ]]]",
    ],
  ])("%s", (_name, value, printed) => {
    expect(formatArray(value)).toBe(printed);
  });

  // A student's answer of many short axes: numpy would print every element (a megabyte for 4^10).
  it.each([
    ["shape=(4,)x10", Array.from({ length: 10 }, () => 4)],
    ["shape=(2,)x20", Array.from({ length: 20 }, () => 2)],
  ])("%s stays a few lines, with its gaps marked", (_name, shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const printed = formatArray(t(shape, Array.from({ length: size }, (_, i) => i % 7)));
    expect(printed.length).toBeLessThan(8 * 1024);
    expect(printed).toContain("...");
    expect(printed.startsWith("[".repeat(shape.length))).toBe(true);
  });
});

describe("subTensor", () => {
  const x = t([2, 3, 2], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  it.each([
    ["x[1] of (2,3,2)", [1], [3, 2], [6, 7, 8, 9, 10, 11]],
    ["x[1,2] of (2,3,2)", [1, 2], [2], [10, 11]],
    ["x[0,1,1] of (2,3,2)", [0, 1, 1], [], [3]],
  ])("%s", (_name, index, shape, data) => {
    const slice = subTensor(x, index);
    expect(slice?.shape).toEqual(shape);
    expect([...(slice?.data ?? [])]).toEqual(data);
  });

  it.each([
    ["index past the axis", [2]],
    ["negative index", [0, -1]],
    ["more indices than axes", [0, 0, 0, 0]],
  ])("%s gives undefined", (_name, index) => {
    expect(subTensor(x, index)).toBeUndefined();
  });
});

describe("meanOf", () => {
  it("averages every element", () => {
    expect(meanOf(t([2, 2], [1, 2, 3, 6]))).toBe(3);
  });
});

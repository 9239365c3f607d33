import { describe, expect, it } from "vitest";
import { shownIndices } from "./format.ts";
import { NDArray } from "./index.ts";

function ramp(...dims: number[]): NDArray {
  return new NDArray(dims, Float64Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i));
}

// `printed` is what numpy 2.4's print(x) shows for the same values (captured with python3 while writing this).
const cases: { name: string; x: () => NDArray; printed: string }[] = [
  {
    name: "float row (1.5, 2.25)",
    x: () => new NDArray([2], Float64Array.of(1.5, 2.25)),
    printed: "[1.5  2.25]",
  },
  {
    name: "signed row aligns (0.1, -1.62434536)",
    x: () => new NDArray([2], Float64Array.of(0.1, -1.62434536)),
    printed: "[ 0.1        -1.62434536]",
  },
  {
    name: "zeros (2,2,2) blank line between blocks",
    x: () => new NDArray([2, 2, 2], Float64Array.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),
    printed: "[[[0. 0.]\n  [0. 0.]]\n\n [[0. 0.]\n  [0. 0.]]]",
  },
  {
    name: "small values switch to scientific",
    x: () => new NDArray([2, 2], Float64Array.of(1e-05, 1.0, 3.0, 4.0)),
    printed: "[[1.e-05 1.e+00]\n [3.e+00 4.e+00]]",
  },
  {
    name: "large values switch to scientific",
    x: () => new NDArray([2], Float64Array.of(1000000000.0, 1.0)),
    printed: "[1.e+09 1.e+00]",
  },
  {
    name: "0-d",
    x: () => new NDArray([], Float64Array.of(3.5)),
    printed: "3.5",
  },
  {
    name: "nan and inf",
    x: () => new NDArray([3], Float64Array.of(NaN, 1.5, -Infinity)),
    printed: "[ nan  1.5 -inf]",
  },
  {
    name: "negative zero",
    x: () => new NDArray([2], Float64Array.of(-0, 1.0)),
    printed: "[-0.  1.]",
  },
  {
    name: "(2,1000) ramp summarised",
    x: () => ramp(2, 1000),
    printed: "[[0.000e+00 1.000e+00 2.000e+00 ... 9.970e+02 9.980e+02 9.990e+02]\n [1.000e+03 1.001e+03 1.002e+03 ... 1.997e+03 1.998e+03 1.999e+03]]",
  },
  {
    name: "(1,1,2000) ramp / 7 summarised",
    x: () => ramp(1, 1, 2000).div(7),
    printed: "[[[0.00000000e+00 1.42857143e-01 2.85714286e-01 ... 2.85285714e+02\n   2.85428571e+02 2.85571429e+02]]]",
  },
  {
    name: "(20,60) ramp - 600 summarised",
    x: () => ramp(20, 60).sub(600),
    printed: "[[-600. -599. -598. ... -543. -542. -541.]\n [-540. -539. -538. ... -483. -482. -481.]\n [-480. -479. -478. ... -423. -422. -421.]\n ...\n [ 420.  421.  422. ...  477.  478.  479.]\n [ 480.  481.  482. ...  537.  538.  539.]\n [ 540.  541.  542. ...  597.  598.  599.]]",
  },
  {
    name: "8 values wrap at 75 columns",
    x: () => new NDArray([8], Float64Array.of(1.62434536, -0.61175641, -0.52817175, -1.07296862, 0.86540763, -2.3015387, 1.74481176, -0.7612069)),
    printed: "[ 1.62434536 -0.61175641 -0.52817175 -1.07296862  0.86540763 -2.3015387\n  1.74481176 -0.7612069 ]",
  },
  {
    name: "randn(2,3,3) seed 1",
    x: () => new NDArray([2, 3, 3], Float64Array.of(1.6243453636632417, -0.6117564136500754, -0.5281717522634557, -1.0729686221561705, 0.8654076293246785, -2.3015386968802827, 1.74481176421648, -0.7612069008951028, 0.31903909605709857, -0.2493703754774101, 1.462107937044974, -2.060140709497654, -0.3224172040135075, -0.38405435466841564, 1.1337694423354374, -1.0998912673140309, -0.17242820755043575, -0.8778584179213718)),
    printed: "[[[ 1.62434536 -0.61175641 -0.52817175]\n  [-1.07296862  0.86540763 -2.3015387 ]\n  [ 1.74481176 -0.7612069   0.3190391 ]]\n\n [[-0.24937038  1.46210794 -2.06014071]\n  [-0.3224172  -0.38405435  1.13376944]\n  [-1.09989127 -0.17242821 -0.87785842]]]",
  },
  {
    name: "randn(2,2,4) seed 3 / 1000",
    x: () => new NDArray([2, 2, 4], Float64Array.of(0.0017886284734303186, 0.0004365098505119894, 9.649746807200862e-05, -0.0018634927033644908, -0.00027738820251439907, -0.00035475897926898675, -8.274148148245978e-05, -0.0006270006768238474, -4.381816897592824e-05, -0.0004772180303595027, -0.0013138647533626822, 0.0008846223804995846, 0.0008813180422075299, 0.0017095730636529484, 5.003364217686021e-05, -0.0004046774146008908)),
    printed: "[[[ 1.78862847e-03  4.36509851e-04  9.64974681e-05 -1.86349270e-03]\n  [-2.77388203e-04 -3.54758979e-04 -8.27414815e-05 -6.27000677e-04]]\n\n [[-4.38181690e-05 -4.77218030e-04 -1.31386475e-03  8.84622380e-04]\n  [ 8.81318042e-04  1.70957306e-03  5.00336422e-05 -4.04677415e-04]]]",
  },
  {
    name: "empty (2,0)",
    x: () => new NDArray([2, 0], Float64Array.of()),
    printed: "[]",
  },
  {
    name: "integers of mixed widths",
    x: () => new NDArray([2, 2], Float64Array.of(1.0, -100.0, 25.0, 3.0)),
    printed: "[[   1. -100.]\n [  25.    3.]]",
  },
  {
    name: "thirds round to 8 digits",
    x: () => new NDArray([2], Float64Array.of(0.3333333333333333, 0.6666666666666666)),
    printed: "[0.33333333 0.66666667]",
  },];

describe("toString prints like numpy", () => {
  it.each(cases)("$name", ({ x, printed }) => {
    expect(String(x())).toBe(printed);
  });
});

describe("summarising many small axes", () => {
  const sines = (shape: number[]) => new NDArray(shape, Float64Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)));

  it("keeps numpy's layout for a summarised 4-D tensor (numpy 2.4 prints 23,927 characters of this one)", () => {
    expect(shownIndices([10, 7, 7, 8])).toEqual([
      [0, 1, 2, -1, 7, 8, 9],
      [0, 1, 2, -1, 4, 5, 6],
      [0, 1, 2, -1, 4, 5, 6],
      [0, 1, 2, -1, 5, 6, 7],
    ]);
    expect(String(sines([10, 7, 7, 8]))).toHaveLength(23_927);
  });

  it("shows every element up to numpy's threshold", () => {
    expect(shownIndices([4, 4, 4, 4, 4])).toEqual(Array.from({ length: 5 }, () => [0, 1, 2, 3]));
  });

  it("prints (4,)x8 in a few KB (numpy prints all 65,536 elements, 1.3 MB), the first and last item of each axis", () => {
    expect(shownIndices(new Array(8).fill(4))).toEqual(new Array(8).fill([0, -1, 3]));
    const printed = String(sines(new Array(8).fill(4)));
    expect(printed.length).toBeLessThan(10_000);
    expect(printed.startsWith("[[[[[[[[ 0.         ...  0.14112001]")).toBe(true);
  });

  it("bounds axes of length 2 too, which one edge item cannot shorten", () => {
    const plan = shownIndices(new Array(20).fill(2));
    expect(plan.slice(0, 10)).toEqual(new Array(10).fill([0, -1]));
    expect(plan.slice(10)).toEqual(new Array(10).fill([0, 1]));
    expect(String(sines(new Array(20).fill(2))).length).toBeLessThan(40_000);
  });
});

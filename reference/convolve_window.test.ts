import { describe, expect, it } from "vitest";
import { convolve_window } from "./convolve_window.ts";
import { drawInputs, GOLDEN_TOLERANCE, loadFixture, snapshot, type Draw } from "./golden.ts";
import { tensor } from "./tensor.ts";

type WindowCase = { name: string; seed: number; draws: Draw[]; Z: number };
const { convolve_window: cases } = loadFixture<{ convolve_window: WindowCase[] }>("kernels.json");

describe("convolve_window (bias QUIRK: added to every element)", () => {
  it("a=[2,2,1] ramp, W ones, b=[1,1,1]=0.5: 1+2+3+4 + 4*0.5 = 12", () => {
    const a = tensor([2, 2, 1], [1, 2, 3, 4]);
    expect(convolve_window(a, tensor([2, 2, 1], [1, 1, 1, 1]), tensor([1, 1, 1], [0.5]))).toBe(12);
  });
  it("a=[1,1,2] b=[1,1,2]: per-channel bias, (1*3 + 10) + (2*4 + 20) = 41", () => {
    const a = tensor([1, 1, 2], [1, 2]);
    expect(convolve_window(a, tensor([1, 1, 2], [3, 4]), tensor([1, 1, 2], [10, 20]))).toBe(41);
  });
  it("a=[2,1,2] b=[1,1,2]: the channel bias repeats at every position, 0 + 2*(1+2) = 6", () => {
    const zeros = tensor([2, 1, 2]);
    expect(convolve_window(zeros, zeros, tensor([1, 1, 2], [1, 2]))).toBe(6);
  });
  it("leaves its inputs untouched", () => {
    const a = tensor([1, 1, 2], [1, 2]);
    const W = tensor([1, 1, 2], [3, 4]);
    const b = tensor([1, 1, 1], [5]);
    const before = snapshot(a, W, b);
    convolve_window(a, W, b);
    expect(snapshot(a, W, b)).toEqual(before);
  });
});

describe("convolve_window matches the literal numpy definition on golden cases", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { a_slice, W, b } = drawInputs(c.seed, c.draws);
      expect(Math.abs(convolve_window(a_slice!, W!, b!) - c.Z)).toBeLessThanOrEqual(GOLDEN_TOLERANCE * Math.max(1, Math.abs(c.Z)));
    });
  }
});

describe("convolve_window rejects", () => {
  it("a_slice and W of different shapes", () => {
    expect(() => convolve_window(tensor([2, 2, 1]), tensor([2, 2, 2]), tensor([1, 1, 1]))).toThrow(
      /a_slice \[2,2,1\] and W \[2,2,2\] must have the same shape/,
    );
  });
  it("a bias with the wrong channel count", () => {
    expect(() => convolve_window(tensor([2, 2, 3]), tensor([2, 2, 3]), tensor([1, 1, 2]))).toThrow(
      /b must have shape \(1,1,1\) or \(1,1,3\), got \[1,1,2\]/,
    );
  });
  it("a rank-4 a_slice", () => {
    expect(() => convolve_window(tensor([1, 2, 2, 1]), tensor([2, 2, 1]), tensor([1, 1, 1]))).toThrow(
      /a_slice must have rank 3/,
    );
  });
});

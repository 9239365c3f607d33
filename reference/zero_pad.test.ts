import { describe, expect, it } from "vitest";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { ReferenceInputError, tensor } from "./tensor.ts";
import { zero_pad } from "./zero_pad.ts";

type ConvCase = { name: string; seed: number; draws: Draw[]; hparameters: { pad: number }; zero_pad: JsonTensor };
const { conv } = loadFixture<{ conv: ConvCase[] }>("kernels.json");

describe("zero_pad", () => {
  it("x=[1,2,2,1] p=1: hand-checked", () => {
    const padded = zero_pad(tensor([1, 2, 2, 1], [1, 2, 3, 4]), 1);
    expect([...padded.shape]).toEqual([1, 4, 4, 1]);
    expect(Array.from(padded.data)).toEqual([0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  });
  it("x=[1,1,2,2] p=1: channels stay together, only H and W grow", () => {
    const padded = zero_pad(tensor([1, 1, 2, 2], [1, 2, 3, 4]), 1);
    expect([...padded.shape]).toEqual([1, 3, 4, 2]);
    expect(Array.from(padded.data.subarray(8, 16))).toEqual([0, 0, 1, 2, 3, 4, 0, 0]);
  });
  it("x=[2,1,1,1] p=0 is a copy, not the input", () => {
    const x = tensor([2, 1, 1, 1], [5, 6]);
    const padded = zero_pad(x, 0);
    expect(Array.from(padded.data)).toEqual([5, 6]);
    expect(padded.data).not.toBe(x.data);
  });
  it("leaves its input untouched", () => {
    const x = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    const before = snapshot(x);
    zero_pad(x, 2);
    expect(snapshot(x)).toEqual(before);
  });
});

describe("zero_pad matches numpy's np.pad on golden cases", () => {
  for (const c of conv) {
    it(`${c.name}`, () => {
      const { A_prev } = drawInputs(c.seed, c.draws);
      expectTensorClose(zero_pad(A_prev!, c.hparameters.pad), c.zero_pad, "padded");
    });
  }
});

describe("zero_pad rejects", () => {
  it("a rank-3 X", () => {
    expect(() => zero_pad(tensor([2, 2, 1]), 1)).toThrow(ReferenceInputError);
    expect(() => zero_pad(tensor([2, 2, 1]), 1)).toThrow(/X must have rank 4, got shape \[2,2,1\]/);
  });
  it("a negative pad", () => {
    expect(() => zero_pad(tensor([1, 2, 2, 1]), -1)).toThrow(/pad must be >= 0, got -1/);
  });
  it("a fractional pad", () => {
    expect(() => zero_pad(tensor([1, 2, 2, 1]), 0.5)).toThrow(/pad must be an integer, got 0.5/);
  });
  it("data whose length does not match the shape", () => {
    const bad = { shape: [1, 2, 2, 1], data: new Float64Array(3) };
    expect(() => zero_pad(bad, 1)).toThrow(/X: data length 3 does not match shape \[1,2,2,1\]/);
  });
  it("data that is not a Float64Array", () => {
    const bad = { shape: [1, 1, 1, 1], data: [1] as unknown as Float64Array };
    expect(() => zero_pad(bad, 1)).toThrow(/X: data must be a Float64Array/);
  });
});

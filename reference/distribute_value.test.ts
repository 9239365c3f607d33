import { describe, expect, it } from "vitest";
import { distribute_value } from "./distribute_value.ts";
import { expectTensorClose, loadFixture, type JsonTensor } from "./golden.ts";
import { ReferenceInputError } from "./tensor.ts";

type DistributeCase = { name: string; dz: number; shape: [number, number]; value: JsonTensor };
const { distribute_value: cases } = loadFixture<{ distribute_value: DistributeCase[] }>("kernels.json");

describe("distribute_value", () => {
  it("dz=2 shape=[2,2]: the worksheet example, 0.5 everywhere", () => {
    const value = distribute_value(2, [2, 2]);
    expect([...value.shape]).toEqual([2, 2]);
    expect(Array.from(value.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });
  it("dz=-3 shape=[1,3]: -1 everywhere", () => {
    expect(Array.from(distribute_value(-3, [1, 3]).data)).toEqual([-1, -1, -1]);
  });
  for (const c of cases) {
    it(`golden ${c.name}`, () => expectTensorClose(distribute_value(c.dz, c.shape), c.value, "value"));
  }
});

describe("distribute_value rejects", () => {
  it("a zero dimension", () => {
    expect(() => distribute_value(1, [0, 2])).toThrow(ReferenceInputError);
    expect(() => distribute_value(1, [0, 2])).toThrow(/shape n_H must be >= 1, got 0/);
  });
  it("a fractional dimension", () => {
    expect(() => distribute_value(1, [2, 1.5])).toThrow(/shape n_W must be an integer, got 1.5/);
  });
  it("a shape of the wrong length", () => {
    expect(() => distribute_value(1, [2, 2, 2] as never)).toThrow(/shape must be \[n_H, n_W\], got \[2,2,2\]/);
  });
  it("a dz that is not a number", () => {
    expect(() => distribute_value("2" as never, [2, 2])).toThrow(/dz must be a number, got string/);
  });
});

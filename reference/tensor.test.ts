import { describe, expect, it } from "vitest";
import { ReferenceInputError, tensor } from "./tensor.ts";

describe("tensor", () => {
  it("shape=[2,3] without data is zeros", () => {
    const t = tensor([2, 3]);
    expect([...t.shape]).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([0, 0, 0, 0, 0, 0]);
  });
  it("shape=[2,2] from number[] copies into a Float64Array", () => {
    const t = tensor([2, 2], [1, 2, 3, 4]);
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4]);
  });
  it("shape=[] holds one value", () => {
    expect(tensor([], [5]).data.length).toBe(1);
  });
  it("the shape is a frozen copy", () => {
    const shape = [1, 2];
    const t = tensor(shape);
    shape[0] = 9;
    expect(t.shape[0]).toBe(1);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });
});

describe("tensor rejects", () => {
  it("data length that does not match the shape", () => {
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow(ReferenceInputError);
    expect(() => tensor([2, 2], [1, 2, 3])).toThrow(/data length 3 does not match shape \[2,2\] \(4 elements\)/);
  });
  it("a negative dimension", () => {
    expect(() => tensor([2, -1])).toThrow(/shape dimension 1 must be a non-negative integer, got -1/);
  });
  it("a fractional dimension", () => {
    expect(() => tensor([1.5])).toThrow(/shape dimension 0 must be a non-negative integer, got 1.5/);
  });
  it("a shape that is not an array", () => {
    expect(() => tensor(3 as unknown as number[])).toThrow(/shape must be an array/);
  });
});

import { describe, expect, it } from "vitest";
import { convOutputShape, poolOutputShape } from "./shapes.ts";

describe("convOutputShape: floor((n - f + 2p) / s) + 1", () => {
  const table: [string, number[], number[], { stride: number; pad: number }, number[]][] = [
    ["x=[2,5,5,3] f=3 s=2 p=1", [2, 5, 5, 3], [3, 3, 3, 8], { stride: 2, pad: 1 }, [2, 3, 3, 8]],
    ["x=[10,4,4,3] f=2 s=1 p=2", [10, 4, 4, 3], [2, 2, 3, 8], { stride: 1, pad: 2 }, [10, 7, 7, 8]],
    ["x=[1,7,5,1] f=3 s=3 p=0", [1, 7, 5, 1], [3, 3, 1, 2], { stride: 3, pad: 0 }, [1, 2, 1, 2]],
    ["x=[1,3,3,1] f=5 s=1 p=1 (f = padded size)", [1, 3, 3, 1], [5, 5, 1, 1], { stride: 1, pad: 1 }, [1, 1, 1, 1]],
  ];
  for (const [name, aShape, wShape, hp, want] of table) {
    it(name, () => expect(convOutputShape(aShape, wShape, hp)).toEqual(want));
  }
  it("rejects f larger than the padded input", () => {
    expect(() => convOutputShape([1, 3, 4, 1], [6, 6, 1, 1], { stride: 1, pad: 1 })).toThrow(
      /filter size f=6 exceeds the padded input 5x6/,
    );
  });
  it("rejects a non-square filter", () => {
    expect(() => convOutputShape([1, 3, 3, 1], [2, 3, 1, 1], { stride: 1, pad: 0 })).toThrow(/W must be square/);
  });
  it("rejects W channels that differ from A_prev's", () => {
    expect(() => convOutputShape([1, 3, 3, 2], [2, 2, 3, 1], { stride: 1, pad: 0 })).toThrow(
      /W channels do not match A_prev: .* C_prev=3, .* has 2/,
    );
  });
  it("rejects stride 0", () => {
    expect(() => convOutputShape([1, 3, 3, 1], [2, 2, 1, 1], { stride: 0, pad: 0 })).toThrow(/hparameters.stride must be >= 1/);
  });
  it("rejects a negative pad", () => {
    expect(() => convOutputShape([1, 3, 3, 1], [2, 2, 1, 1], { stride: 1, pad: -1 })).toThrow(/hparameters.pad must be >= 0/);
  });
  it("rejects a fractional stride", () => {
    expect(() => convOutputShape([1, 3, 3, 1], [2, 2, 1, 1], { stride: 1.5, pad: 0 })).toThrow(
      /hparameters.stride must be an integer, got 1.5/,
    );
  });
  it("rejects a missing pad", () => {
    expect(() => convOutputShape([1, 3, 3, 1], [2, 2, 1, 1], { stride: 1 } as never)).toThrow(
      /hparameters.pad must be an integer, got undefined/,
    );
  });
  it("rejects a rank-3 input shape", () => {
    expect(() => convOutputShape([3, 3, 1], [2, 2, 1, 1], { stride: 1, pad: 0 })).toThrow(/A_prev must have rank 4/);
  });
});

describe("poolOutputShape: floor((n - f) / s) + 1", () => {
  const table: [string, number[], { f: number; stride: number }, number[]][] = [
    ["x=[2,4,4,3] f=4 s=1", [2, 4, 4, 3], { f: 4, stride: 1 }, [2, 1, 1, 3]],
    ["x=[5,5,3,2] f=2 s=1", [5, 5, 3, 2], { f: 2, stride: 1 }, [5, 4, 2, 2]],
    ["x=[1,7,5,1] f=3 s=2", [1, 7, 5, 1], { f: 3, stride: 2 }, [1, 3, 2, 1]],
    ["x=[1,6,5,2] f=1 s=3", [1, 6, 5, 2], { f: 1, stride: 3 }, [1, 2, 2, 2]],
  ];
  for (const [name, aShape, hp, want] of table) {
    it(name, () => expect(poolOutputShape(aShape, hp)).toEqual(want));
  }
  it("rejects f larger than the input", () => {
    expect(() => poolOutputShape([1, 4, 3, 1], { f: 4, stride: 1 })).toThrow(/pool window f=4 exceeds the input 4x3/);
  });
  it("rejects f = 0", () => {
    expect(() => poolOutputShape([1, 4, 3, 1], { f: 0, stride: 1 })).toThrow(/hparameters.f must be >= 1/);
  });
  it("rejects a fractional stride", () => {
    expect(() => poolOutputShape([1, 4, 3, 1], { f: 2, stride: 0.5 })).toThrow(/hparameters.stride must be an integer/);
  });
  it("rejects hparameters that are not an object", () => {
    expect(() => poolOutputShape([1, 4, 3, 1], null as never)).toThrow(/hparameters must be an object, got null/);
  });
});

import { describe, expect, it } from "vitest";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { pool_forward } from "./pool_forward.ts";
import { RandomState } from "./random_state.ts";
import { ReferenceInputError, tensor } from "./tensor.ts";
import type { PoolMode } from "./types.ts";

type PoolCase = { name: string; seed: number; draws: Draw[]; hparameters: { f: number; stride: number } } & Record<PoolMode, JsonTensor>;
const { pool } = loadFixture<{ pool: PoolCase[] }>("kernels.json");

describe("pool_forward: hand-checked", () => {
  const ramp = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  it("x=[1,3,3,1] ramp f=2 s=1 max", () => {
    const [A] = pool_forward(ramp, { f: 2, stride: 1 }, "max");
    expect([...A.shape]).toEqual([1, 2, 2, 1]);
    expect(Array.from(A.data)).toEqual([5, 6, 8, 9]);
  });
  it("x=[1,3,3,1] ramp f=2 s=1 average", () => {
    const [A] = pool_forward(ramp, { f: 2, stride: 1 }, "average");
    expect(Array.from(A.data)).toEqual([3, 4, 6, 7]);
  });
  it("x=[1,3,3,1] ramp f=2 s=1: mode defaults to max", () => {
    expect(Array.from(pool_forward(ramp, { f: 2, stride: 1 })[0].data)).toEqual([5, 6, 8, 9]);
  });
  it("x=[1,2,4,2] f=2 s=2: channels pool separately", () => {
    // channel 0 holds 1..8, channel 1 holds -1..-8
    const data = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((v) => [v, -v]);
    const [A] = pool_forward(tensor([1, 2, 4, 2], data), { f: 2, stride: 2 }, "max");
    expect([...A.shape]).toEqual([1, 1, 2, 2]);
    expect(Array.from(A.data)).toEqual([6, -1, 8, -3]);
  });
  it("x=[1,2,2,1] holding NaN: max is NaN, as numpy's", () => {
    const [A] = pool_forward(tensor([1, 2, 2, 1], [1, Number.NaN, 3, 2]), { f: 2, stride: 1 }, "max");
    expect(A.data[0]).toBeNaN();
  });
  it("returns cache = [A_prev (the very input), hparameters]", () => {
    const hp = { f: 2, stride: 1 };
    const [, cache] = pool_forward(ramp, hp);
    expect(cache[0]).toBe(ramp);
    expect(cache[1]).toBe(hp);
  });
  it("leaves its input untouched", () => {
    const A = new RandomState(2).randn(2, 5, 4, 3);
    const before = snapshot(A);
    pool_forward(A, { f: 3, stride: 1 }, "max");
    pool_forward(A, { f: 3, stride: 1 }, "average");
    expect(snapshot(A)).toEqual(before);
  });
});

describe("pool_forward matches numpy golden vectors", () => {
  for (const c of pool) {
    for (const mode of ["max", "average"] as const) {
      it(`${c.name} ${mode}`, () => {
        const { A_prev } = drawInputs(c.seed, c.draws);
        expectTensorClose(pool_forward(A_prev!, c.hparameters, mode)[0], c[mode], mode);
      });
    }
  }
});

describe("pool_forward rejects", () => {
  const A = tensor([1, 4, 3, 2]);
  it("an unknown mode", () => {
    expect(() => pool_forward(A, { f: 2, stride: 1 }, "mean" as PoolMode)).toThrow(ReferenceInputError);
    expect(() => pool_forward(A, { f: 2, stride: 1 }, "mean" as PoolMode)).toThrow(/mode must be "max" or "average", got "mean"/);
  });
  it("f larger than the input width", () => {
    expect(() => pool_forward(A, { f: 4, stride: 1 })).toThrow(/pool window f=4 exceeds the input 4x3/);
  });
  it("stride 0", () => {
    expect(() => pool_forward(A, { f: 2, stride: 0 })).toThrow(/hparameters.stride must be >= 1, got 0/);
  });
  it("a fractional f", () => {
    expect(() => pool_forward(A, { f: 1.5, stride: 1 })).toThrow(/hparameters.f must be an integer, got 1.5/);
  });
  it("a rank-2 A_prev", () => {
    expect(() => pool_forward(tensor([4, 3]), { f: 2, stride: 1 })).toThrow(/A_prev must have rank 4, got shape \[4,3\]/);
  });
});

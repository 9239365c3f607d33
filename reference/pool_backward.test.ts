import { describe, expect, it } from "vitest";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { pool_backward, pool_backward_accumulate } from "./pool_backward.ts";
import { pool_forward } from "./pool_forward.ts";
import { RandomState } from "./random_state.ts";
import { ReferenceInputError, tensor } from "./tensor.ts";
import type { PoolCache, PoolMode } from "./types.ts";

type PoolCase = {
  name: string;
  seed: number;
  draws: Draw[];
  hparameters: { f: number; stride: number };
  backward_max: JsonTensor;
  backward_average: JsonTensor;
  backward_accumulate_max: JsonTensor;
  backward_accumulate_average: JsonTensor;
};
const { pool } = loadFixture<{ pool: PoolCase[] }>("kernels.json");

describe("pool_backward: hand-checked on x=[1,3,3,1] ramp f=2 s=1 (overlapping windows)", () => {
  const ramp = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const cache: PoolCache = [ramp, { f: 2, stride: 1 }];
  it("max, assigned (QUIRK): each later window overwrites the earlier max with 0", () => {
    expect(Array.from(pool_backward(tensor([1, 2, 2, 1], [1, 2, 3, 4]), cache, "max").data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 4]);
  });
  it("max, accumulated: each window's gradient lands on its max", () => {
    expect(Array.from(pool_backward_accumulate(tensor([1, 2, 2, 1], [1, 2, 3, 4]), cache, "max").data)).toEqual([
      0, 0, 0, 0, 1, 2, 0, 3, 4,
    ]);
  });
  it("average, assigned (QUIRK): the last window covering a pixel wins", () => {
    expect(Array.from(pool_backward(tensor([1, 2, 2, 1], [4, 8, 12, 16]), cache, "average").data)).toEqual([
      1, 2, 2, 3, 4, 4, 3, 4, 4,
    ]);
  });
  it("average, accumulated: shares add up", () => {
    expect(Array.from(pool_backward_accumulate(tensor([1, 2, 2, 1], [4, 8, 12, 16]), cache, "average").data)).toEqual([
      1, 3, 2, 4, 10, 6, 3, 7, 4,
    ]);
  });
  it("mode defaults to max", () => {
    const dA = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    expect(pool_backward(dA, cache)).toEqual(pool_backward(dA, cache, "max"));
    expect(pool_backward_accumulate(dA, cache)).toEqual(pool_backward_accumulate(dA, cache, "max"));
  });
  it("x=[1,3,3,1] f=2 s=2: pixels no window reaches stay 0", () => {
    const dA = tensor([1, 1, 1, 1], [8]);
    expect(Array.from(pool_backward(dA, [ramp, { f: 2, stride: 2 }], "average").data)).toEqual([2, 2, 0, 2, 2, 0, 0, 0, 0]);
  });
  it("max with a tie: every tied maximum gets the gradient", () => {
    const A = tensor([1, 2, 2, 1], [3, 1, 3, 2]);
    expect(Array.from(pool_backward(tensor([1, 1, 1, 1], [5]), [A, { f: 2, stride: 1 }], "max").data)).toEqual([5, 0, 5, 0]);
  });
});

describe("pool_backward and pool_backward_accumulate agree when stride >= f", () => {
  const table: [number[], number, number][] = [
    [[2, 6, 4, 3], 2, 2],
    [[1, 7, 5, 2], 2, 3],
    [[3, 3, 5, 1], 1, 1],
  ];
  for (const [shape, f, stride] of table) {
    for (const mode of ["max", "average"] as const) {
      it(`x=[${shape}] f=${f} s=${stride} ${mode}`, () => {
        const random = new RandomState(f * 10 + stride);
        const A = random.randn(...shape);
        const [out, cache] = pool_forward(A, { f, stride }, mode);
        const dA = random.randn(...out.shape);
        // Adding 0 turns the -0 of (mask 0) * (negative dA) into 0, which is what the two must agree on.
        const plain = (data: Float64Array) => Array.from(data, (v) => v + 0);
        expect(plain(pool_backward(dA, cache, mode).data)).toEqual(plain(pool_backward_accumulate(dA, cache, mode).data));
      });
    }
  }
});

describe("pool_backward leaves dA and the cache untouched", () => {
  for (const mode of ["max", "average"] as const) {
    it(mode, () => {
      const random = new RandomState(4);
      const A = random.randn(2, 5, 5, 3);
      const dA = random.randn(2, 4, 4, 3);
      const before = snapshot(A, dA);
      pool_backward(dA, [A, { f: 2, stride: 1 }], mode);
      pool_backward_accumulate(dA, [A, { f: 2, stride: 1 }], mode);
      expect(snapshot(A, dA)).toEqual(before);
    });
  }
});

describe("pool_backward matches numpy golden vectors", () => {
  for (const c of pool) {
    for (const mode of ["max", "average"] as const) {
      it(`${c.name} ${mode}`, () => {
        const { A_prev, dA } = drawInputs(c.seed, c.draws);
        const cache: PoolCache = [A_prev!, c.hparameters];
        expectTensorClose(pool_backward(dA!, cache, mode), c[`backward_${mode}`], "assigned");
        expectTensorClose(pool_backward_accumulate(dA!, cache, mode), c[`backward_accumulate_${mode}`], "accumulated");
      });
    }
  }
});

describe("pool_backward rejects", () => {
  const A = tensor([1, 4, 3, 2]);
  const hp = { f: 2, stride: 1 };
  it("dA whose shape is not the forward output's", () => {
    expect(() => pool_backward(tensor([1, 3, 3, 2]), [A, hp])).toThrow(ReferenceInputError);
    expect(() => pool_backward(tensor([1, 3, 3, 2]), [A, hp])).toThrow(
      /dA shape \[1,3,3,2\] does not match the pool output shape \[1,3,2,2\] of the cache/,
    );
  });
  it("an unknown mode", () => {
    expect(() => pool_backward_accumulate(tensor([1, 3, 2, 2]), [A, hp], "min" as PoolMode)).toThrow(/mode must be "max" or "average"/);
  });
  it("a cache that is not [A_prev, hparameters]", () => {
    expect(() => pool_backward(tensor([1, 3, 2, 2]), [A] as unknown as PoolCache)).toThrow(/cache must be \[A_prev, hparameters\]/);
  });
  it("a cache with f larger than A_prev", () => {
    expect(() => pool_backward(tensor([1, 1, 1, 2]), [A, { f: 5, stride: 1 }])).toThrow(/pool window f=5 exceeds the input 4x3/);
  });
  it("a rank-3 dA", () => {
    expect(() => pool_backward(tensor([3, 2, 2]), [A, hp])).toThrow(/dA must have rank 4/);
  });
});

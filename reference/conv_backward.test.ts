import { describe, expect, it } from "vitest";
import { conv_backward } from "./conv_backward.ts";
import { conv_forward } from "./conv_forward.ts";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { RandomState } from "./random_state.ts";
import { ReferenceInputError, tensor, type Tensor } from "./tensor.ts";
import type { ConvCache } from "./types.ts";

type ConvCase = {
  name: string;
  seed: number;
  draws: Draw[];
  hparameters: { stride: number; pad: number };
  dA_prev: JsonTensor;
  dW: JsonTensor;
  db: JsonTensor;
};
const { conv } = loadFixture<{ conv: ConvCase[] }>("kernels.json");

function nudged(t: Tensor, index: number, delta: number): Tensor {
  const data = Float64Array.from(t.data);
  data[index] = (data[index] as number) + delta;
  return tensor(t.shape, data);
}

function loss(A: Tensor, W: Tensor, b: Tensor, hp: { stride: number; pad: number }, dZ: Tensor): number {
  const [Z] = conv_forward(A, W, b, hp);
  return Z.data.reduce((sum, z, index) => sum + z * (dZ.data[index] as number), 0);
}

describe("conv_backward: hand-checked", () => {
  const ramp = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const ones = tensor([2, 2, 1, 1], [1, 1, 1, 1]);
  const cache: ConvCache = [ramp, ones, tensor([1, 1, 1, 1], [0.5]), { stride: 1, pad: 0 }];
  const [dA, dW, db] = conv_backward(tensor([1, 2, 2, 1], [1, 1, 1, 1]), cache);
  it("x=[1,3,3,1] ramp f=2 s=1 p=0, dZ ones: dA counts the windows covering each pixel", () => {
    expect([...dA.shape]).toEqual([1, 3, 3, 1]);
    expect(Array.from(dA.data)).toEqual([1, 2, 1, 2, 4, 2, 1, 2, 1]);
  });
  it("x=[1,3,3,1] ramp f=2 s=1 p=0, dZ ones: dW sums the ramp under each filter tap", () => {
    expect([...dW.shape]).toEqual([2, 2, 1, 1]);
    expect(Array.from(dW.data)).toEqual([12, 16, 24, 28]);
  });
  it("x=[1,3,3,1] ramp f=2 s=1 p=0, dZ ones: db = sum of dZ with shape (1,1,1,C)", () => {
    expect([...db.shape]).toEqual([1, 1, 1, 1]);
    expect(Array.from(db.data)).toEqual([4]);
  });
  it("x=[1,2,2,1] f=2 s=1 p=1: padding is cropped from dA_prev", () => {
    const A = tensor([1, 2, 2, 1], [1, 2, 3, 4]);
    const [dA2] = conv_backward(tensor([1, 3, 3, 1], new Float64Array(9).fill(1)), [A, ones, tensor([1, 1, 1, 1]), { stride: 1, pad: 1 }]);
    expect([...dA2.shape]).toEqual([1, 2, 2, 1]);
    expect(Array.from(dA2.data)).toEqual([4, 4, 4, 4]);
  });
  it("leaves dZ and the cache untouched", () => {
    const random = new RandomState(5);
    const A = random.randn(2, 5, 4, 3);
    const W = random.randn(3, 3, 3, 5);
    const b = random.randn(1, 1, 1, 5);
    const [Z, c] = conv_forward(A, W, b, { stride: 2, pad: 1 });
    const dZ = random.randn(...Z.shape);
    const before = snapshot(dZ, A, W, b);
    conv_backward(dZ, c);
    expect(snapshot(dZ, A, W, b)).toEqual(before);
  });
});

describe("conv_backward agrees with central differences of sum(Z * dZ)", () => {
  const table: [number[], number, number, number, number, boolean][] = [
    [[2, 4, 5, 3], 3, 5, 2, 1, false],
    [[1, 5, 3, 2], 2, 3, 1, 2, true],
    [[2, 6, 5, 1], 3, 2, 3, 0, false],
  ];
  for (const [shape, f, cOut, stride, pad, perInput] of table) {
    const cPrev = shape[3] as number;
    it(`x=[${shape}] W=[${f},${f},${cPrev},${cOut}] s=${stride} p=${pad}`, () => {
      const random = new RandomState(11 + f + cOut);
      const A = random.randn(...shape);
      const W = random.randn(f, f, cPrev, cOut);
      const b = random.randn(1, 1, perInput ? cPrev : 1, cOut);
      const hp = { stride, pad };
      const [Z, cache] = conv_forward(A, W, b, hp);
      const dZ = random.randn(...Z.shape);
      const [dA, dW, db] = conv_backward(dZ, cache);
      const h = 1e-3;
      const numeric = (t: Tensor, rebuild: (changed: Tensor) => number) =>
        Array.from(t.data, (_, index) => (rebuild(nudged(t, index, h)) - rebuild(nudged(t, index, -h))) / (2 * h));
      const close = (got: Float64Array, want: number[]) =>
        want.forEach((value, index) => expect(Math.abs((got[index] as number) - value)).toBeLessThan(1e-8));
      close(dA.data, numeric(A, (changed) => loss(changed, W, b, hp, dZ)));
      close(dW.data, numeric(W, (changed) => loss(A, changed, b, hp, dZ)));
      // With the bias QUIRK, db is the worksheet's sum of dZ, not d(sum Z*dZ)/db (which is f*f*C_prev times it).
      const dzSums = Array.from({ length: cOut }, (_, c) => dZ.data.filter((__, index) => index % cOut === c).reduce((s, v) => s + v, 0));
      close(db.data, dzSums);
    });
  }
});

describe("conv_backward matches numpy golden vectors", () => {
  for (const c of conv) {
    it(c.name, () => {
      const { A_prev, W, b, dZ } = drawInputs(c.seed, c.draws);
      const [dA, dW, db] = conv_backward(dZ!, [A_prev!, W!, b!, c.hparameters]);
      expectTensorClose(dA, c.dA_prev, "dA_prev");
      expectTensorClose(dW, c.dW, "dW");
      expectTensorClose(db, c.db, "db");
    });
  }
});

describe("conv_backward rejects", () => {
  const A = tensor([1, 4, 4, 2]);
  const W = tensor([3, 3, 2, 3]);
  const b = tensor([1, 1, 1, 3]);
  const hp = { stride: 1, pad: 0 };
  it("dZ whose shape is not the forward output's", () => {
    expect(() => conv_backward(tensor([1, 2, 3, 3]), [A, W, b, hp])).toThrow(ReferenceInputError);
    expect(() => conv_backward(tensor([1, 2, 3, 3]), [A, W, b, hp])).toThrow(
      /dZ shape \[1,2,3,3\] does not match the conv output shape \[1,2,2,3\] of the cache/,
    );
  });
  it("a rank-3 dZ", () => {
    expect(() => conv_backward(tensor([2, 2, 3]), [A, W, b, hp])).toThrow(/dZ must have rank 4/);
  });
  it("a cache that is not a 4-element array", () => {
    expect(() => conv_backward(tensor([1, 2, 2, 3]), [A, W, b] as unknown as ConvCache)).toThrow(
      /cache must be \[A_prev, W, b, hparameters\]/,
    );
  });
  it("a cache whose W disagrees with its A_prev", () => {
    expect(() => conv_backward(tensor([1, 2, 2, 3]), [A, tensor([3, 3, 1, 3]), b, hp])).toThrow(/W channels do not match A_prev/);
  });
  it("a cache with stride 0", () => {
    expect(() => conv_backward(tensor([1, 2, 2, 3]), [A, W, b, { stride: 0, pad: 0 }])).toThrow(/hparameters.stride must be >= 1/);
  });
});

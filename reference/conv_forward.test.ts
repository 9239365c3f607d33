import { describe, expect, it } from "vitest";
import { conv_forward } from "./conv_forward.ts";
import { convolve_window } from "./convolve_window.ts";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { RandomState } from "./random_state.ts";
import { ReferenceInputError, tensor, type Tensor } from "./tensor.ts";
import { zero_pad } from "./zero_pad.ts";

type ConvCase = { name: string; seed: number; draws: Draw[]; hparameters: { stride: number; pad: number }; Z: JsonTensor };
const { conv } = loadFixture<{ conv: ConvCase[] }>("kernels.json");

/** The worksheet's loop, through zero_pad and convolve_window, slicing with plain index arithmetic. */
function literalConvForward(A: Tensor, W: Tensor, b: Tensor, stride: number, pad: number): number[] {
  const [m, h, w, cPrev] = A.shape as [number, number, number, number];
  const [f, , , cOut] = W.shape as [number, number, number, number];
  const P = zero_pad(A, pad);
  const [, hp, wp] = P.shape as [number, number, number];
  const nH = Math.floor((h - f + 2 * pad) / stride) + 1;
  const nW = Math.floor((w - f + 2 * pad) / stride) + 1;
  const bIn = b.shape[2] as number;
  const out: number[] = [];
  for (let i = 0; i < m; i++)
    for (let y = 0; y < nH; y++)
      for (let x = 0; x < nW; x++)
        for (let c = 0; c < cOut; c++) {
          const slice: number[] = [];
          const filter: number[] = [];
          for (let kh = 0; kh < f; kh++)
            for (let kw = 0; kw < f; kw++)
              for (let cp = 0; cp < cPrev; cp++) {
                slice.push(P.data[((i * hp + y * stride + kh) * wp + x * stride + kw) * cPrev + cp] as number);
                filter.push(W.data[((kh * f + kw) * cPrev + cp) * cOut + c] as number);
              }
          const bias = Array.from({ length: bIn }, (_, cp) => b.data[cp * cOut + c] as number);
          out.push(convolve_window(tensor([f, f, cPrev], slice), tensor([f, f, cPrev], filter), tensor([1, 1, bIn], bias)));
        }
  return out;
}

describe("conv_forward: hand-checked", () => {
  const ramp = tensor([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const ones = tensor([2, 2, 1, 1], [1, 1, 1, 1]);
  it("x=[1,3,3,1] ramp, W=[2,2,1,1] ones, b=0, s=1 p=0: window sums", () => {
    const [Z] = conv_forward(ramp, ones, tensor([1, 1, 1, 1]), { stride: 1, pad: 0 });
    expect([...Z.shape]).toEqual([1, 2, 2, 1]);
    expect(Array.from(Z.data)).toEqual([12, 16, 24, 28]);
  });
  it("x=[1,3,3,1] ramp, W ones, b=0.5 (1,1,1,1), s=1 p=0: bias once per window element, +2", () => {
    const [Z] = conv_forward(ramp, ones, tensor([1, 1, 1, 1], [0.5]), { stride: 1, pad: 0 });
    expect(Array.from(Z.data)).toEqual([14, 18, 26, 30]);
  });
  it("x=[1,3,3,1] ramp, W ones, b=1, s=2 p=1: padded zeros still get the bias", () => {
    const [Z] = conv_forward(ramp, ones, tensor([1, 1, 1, 1], [1]), { stride: 2, pad: 1 });
    expect([...Z.shape]).toEqual([1, 2, 2, 1]);
    expect(Array.from(Z.data)).toEqual([1 + 4, 2 + 3 + 4, 4 + 7 + 4, 5 + 6 + 8 + 9 + 4]);
  });
  it("x=[1,1,1,2] W=[1,1,2,2] b=(1,1,2,2): Z[c] = sum a*W[:,c] + sum over c' of b[c',c]", () => {
    const A = tensor([1, 1, 1, 2], [1, 2]);
    const W = tensor([1, 1, 2, 2], [1, 10, 100, 1000]); // W[cp=0] = [1,10], W[cp=1] = [100,1000]
    const b = tensor([1, 1, 2, 2], [1, 2, 3, 4]); // b[cp=0] = [1,2], b[cp=1] = [3,4]
    const [Z] = conv_forward(A, W, b, { stride: 1, pad: 0 });
    expect(Array.from(Z.data)).toEqual([1 + 200 + 1 + 3, 10 + 2000 + 2 + 4]);
  });
  it("returns cache = [A_prev (the very input), W, b, hparameters]", () => {
    const b = tensor([1, 1, 1, 1]);
    const hp = { stride: 1, pad: 1 };
    const [, cache] = conv_forward(ramp, ones, b, hp);
    expect(cache[0]).toBe(ramp);
    expect(cache[1]).toBe(ones);
    expect(cache[2]).toBe(b);
    expect(cache[3]).toBe(hp);
  });
  it("leaves its inputs untouched", () => {
    const random = new RandomState(3);
    const [A, W, b] = [random.randn(2, 4, 5, 3), random.randn(3, 3, 3, 5), random.randn(1, 1, 3, 5)];
    const before = snapshot(A, W, b);
    conv_forward(A, W, b, { stride: 1, pad: 2 });
    expect(snapshot(A, W, b)).toEqual(before);
  });
});

describe("conv_forward equals the literal loop over convolve_window (bias algebra)", () => {
  const table: [number[], number, number, number, number, boolean][] = [
    // x shape, f, C, stride, pad, per-input-channel bias
    [[2, 5, 5, 3], 3, 4, 2, 1, false],
    [[2, 5, 5, 3], 3, 4, 2, 1, true],
    [[1, 4, 7, 2], 2, 5, 1, 2, true],
    [[3, 6, 4, 1], 4, 3, 3, 0, false],
    [[1, 3, 5, 4], 1, 9, 1, 0, true],
    [[2, 2, 3, 3], 6, 2, 1, 2, true],
  ];
  for (const [shape, f, cOut, stride, pad, perInput] of table) {
    const cPrev = shape[3] as number;
    const bShape = [1, 1, perInput ? cPrev : 1, cOut];
    it(`x=[${shape}] W=[${f},${f},${cPrev},${cOut}] b=[${bShape}] s=${stride} p=${pad}`, () => {
      const random = new RandomState(shape.reduce((a, d) => a * 7 + d, f + cOut));
      const [A, W, b] = [random.randn(...shape), random.randn(f, f, cPrev, cOut), random.randn(...bShape)];
      const [Z] = conv_forward(A, W, b, { stride, pad });
      const literal = literalConvForward(A, W, b, stride, pad);
      expectTensorClose(Z, { shape: [...Z.shape], data: literal }, "Z");
    });
  }
});

describe("conv_forward matches numpy golden vectors", () => {
  for (const c of conv) {
    it(c.name, () => {
      const { A_prev, W, b } = drawInputs(c.seed, c.draws);
      const [Z] = conv_forward(A_prev!, W!, b!, c.hparameters);
      expectTensorClose(Z, c.Z, "Z");
    });
  }
});

describe("conv_forward rejects", () => {
  const A = tensor([1, 4, 4, 2]);
  const W = tensor([3, 3, 2, 3]);
  const b = tensor([1, 1, 1, 3]);
  const ok = { stride: 1, pad: 0 };
  it("a rank-3 A_prev", () => {
    expect(() => conv_forward(tensor([4, 4, 2]), W, b, ok)).toThrow(ReferenceInputError);
    expect(() => conv_forward(tensor([4, 4, 2]), W, b, ok)).toThrow(/A_prev must have rank 4, got shape \[4,4,2\]/);
  });
  it("a rank-3 W", () => {
    expect(() => conv_forward(A, tensor([3, 3, 2]), b, ok)).toThrow(/W must have rank 4/);
  });
  it("W channels that differ from A_prev's", () => {
    expect(() => conv_forward(A, tensor([3, 3, 1, 3]), b, ok)).toThrow(/W channels do not match A_prev/);
  });
  it("a bias with the wrong output channel count", () => {
    expect(() => conv_forward(A, W, tensor([1, 1, 1, 2]), ok)).toThrow(
      /b must have shape \(1,1,1,3\) or \(1,1,2,3\) to match W \[3,3,2,3\], got \[1,1,1,2\]/,
    );
  });
  it("a bias with a wrong input channel count", () => {
    expect(() => conv_forward(A, W, tensor([1, 1, 3, 3]), ok)).toThrow(/b must have shape/);
  });
  it("f larger than the padded input", () => {
    expect(() => conv_forward(A, tensor([7, 7, 2, 3]), b, { stride: 1, pad: 1 })).toThrow(
      /filter size f=7 exceeds the padded input 6x6/,
    );
  });
  it("stride 0", () => {
    expect(() => conv_forward(A, W, b, { stride: 0, pad: 0 })).toThrow(/hparameters.stride must be >= 1, got 0/);
  });
  it("a negative pad", () => {
    expect(() => conv_forward(A, W, b, { stride: 1, pad: -2 })).toThrow(/hparameters.pad must be >= 0, got -2/);
  });
  it("a fractional pad", () => {
    expect(() => conv_forward(A, W, b, { stride: 1, pad: 0.5 })).toThrow(/hparameters.pad must be an integer, got 0.5/);
  });
  it("A_prev data shorter than its shape", () => {
    const short = { shape: [1, 4, 4, 2], data: new Float64Array(31) };
    expect(() => conv_forward(short, W, b, ok)).toThrow(/A_prev: data length 31 does not match shape \[1,4,4,2\] \(32 elements\)/);
  });
});

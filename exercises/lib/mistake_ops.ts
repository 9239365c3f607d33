import { tensor, type Tensor } from "../../reference/index.ts";
import type { Mistake, Value } from "../types.ts";

/**
 * Small tensor reshufflings the mistake kernels combine with reference kernels: a mistake is the
 * reference run on altered inputs or geometry, then cut, moved or rescaled, never a second copy of a
 * kernel.
 */

export function mistake(id: string, hint: string, kernel: (args: readonly Value[]) => readonly Value[]): Mistake {
  return { id, hint, kernel };
}

/** t[:, h0:h0+nH, w0:w0+nW, :] of an NHWC tensor; throws past its edge (a kernel bug, not student data). */
export function cropHW(t: Tensor, h0: number, nH: number, w0: number, nW: number): Tensor {
  const [m, h, w, c] = t.shape as [number, number, number, number];
  if (h0 < 0 || w0 < 0 || h0 + nH > h || w0 + nW > w || nH < 0 || nW < 0) {
    throw new RangeError(`cropHW: [${h0}:${h0 + nH}, ${w0}:${w0 + nW}] is outside ${h}x${w}`);
  }
  const out = new Float64Array(m * nH * nW * c);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < nH; y++) {
      const from = ((i * h + h0 + y) * w + w0) * c;
      out.set(t.data.subarray(from, from + nW * c), ((i * nH + y) * nW) * c);
    }
  }
  return tensor([m, nH, nW, c], out);
}

/** Z[i, w, h, c] = t[i, h, w, c]: height and width exchanged. */
export function transposeHW(t: Tensor): Tensor {
  const [m, h, w, c] = t.shape as [number, number, number, number];
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const from = ((i * h + y) * w + x) * c;
        out.set(t.data.subarray(from, from + c), ((i * w + x) * h + y) * c);
      }
    }
  }
  return tensor([m, w, h, c], out);
}

/** t[i:i+1]: one example of a batch, keeping the batch axis. */
export function example(t: Tensor, i: number): Tensor {
  const size = t.data.length / (t.shape[0] as number);
  return tensor([1, ...t.shape.slice(1)], t.data.slice(i * size, (i + 1) * size));
}

export function mapTensor(t: Tensor, fn: (x: number, index: number) => number): Tensor {
  return tensor(t.shape, t.data.map(fn));
}

export function filled(shape: readonly number[], value: number): Tensor {
  const t = tensor(shape);
  t.data.fill(value);
  return t;
}

/** `t` embedded at the top-left corner of a zero NHWC tensor of height nH and width nW. */
export function embedHW(t: Tensor, nH: number, nW: number): Tensor {
  const [m, h, w, c] = t.shape as [number, number, number, number];
  const out = new Float64Array(m * nH * nW * c);
  for (let i = 0; i < m; i++) {
    for (let y = 0; y < h; y++) {
      const from = ((i * h + y) * w) * c;
      out.set(t.data.subarray(from, from + w * c), ((i * nH + y) * nW) * c);
    }
  }
  return tensor([m, nH, nW, c], out);
}

/** Zero padding of every axis by its own (before, after) widths, as numpy's np.pad does. */
export function padAxes(t: Tensor, widths: readonly (readonly [number, number])[]): Tensor {
  const shape = t.shape.map((d, axis) => d + widths[axis]![0] + widths[axis]![1]);
  const out = tensor(shape);
  const rank = t.shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let flat = 0; flat < t.data.length; flat++) {
    let target = 0;
    for (let axis = 0; axis < rank; axis++) target = target * shape[axis]! + index[axis]! + widths[axis]![0];
    out.data[target] = t.data[flat]!;
    for (let axis = rank - 1; axis >= 0; axis--) {
      index[axis]!++;
      if (index[axis]! < t.shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

/** W[:f2, :f2, :, :] of a filter bank (f, f, C_prev, C). */
export function shrinkFilters(W: Tensor, f2: number): Tensor {
  const [f, , cPrev, c] = W.shape as [number, number, number, number];
  const out = new Float64Array(f2 * f2 * cPrev * c);
  for (let kh = 0; kh < f2; kh++) {
    for (let kw = 0; kw < f2; kw++) {
      const from = (kh * f + kw) * cPrev * c;
      out.set(W.data.subarray(from, from + cPrev * c), (kh * f2 + kw) * cPrev * c);
    }
  }
  return tensor([f2, f2, cPrev, c], out);
}

/** Every value along the last axis replaced by that axis' element 0 (filter 0 for every channel). */
export function firstOfLastAxis(t: Tensor): Tensor {
  const c = t.shape[t.shape.length - 1] as number;
  return mapTensor(t, (_, index) => t.data[index - (index % c)]!);
}

/** Adds term[c] to every element of channel c (the last axis). */
export function addPerChannel(t: Tensor, term: Float64Array): Tensor {
  const c = term.length;
  return mapTensor(t, (x, index) => x + term[index % c]!);
}

export function sumOf(t: Tensor): number {
  let sum = 0;
  for (const x of t.data) sum += x;
  return sum;
}

// Building arrays: from nested data, filled, padded.
import { allocate } from "./alloc.ts";
import { isArray, isInteger } from "./builtins.ts";
import { innermost, rowStarts } from "./indexing.ts";
import { type ArrayInput, NDArray, type PadWidths } from "./ndarray.ts";
import { checkShape, describe, sizeOf, stridesOf } from "./shape.ts";
import { fromValues, toTensor } from "./tensor.ts";

export function array(values: ArrayInput, shape?: readonly number[]): NDArray {
  const checked = fromValues(values, shape);
  return new NDArray(checked.shape, checked.data);
}

export function full(shape: readonly number[], value: number): NDArray {
  if (typeof value !== "number") throw new Error(`full: value must be a number, got ${describe(value)}`);
  const dims = checkShape("full", shape);
  const data = allocate(sizeOf(dims));
  // New storage is +0 already; -0 (1 / -0 < 0) and NaN still need the fill.
  if (value !== 0 || 1 / value < 0) data.fill(value);
  return new NDArray(dims, data);
}
export function zeros(shape: readonly number[]): NDArray {
  return full(shape, 0);
}
export function ones(shape: readonly number[]): NDArray {
  return full(shape, 1);
}
export function zeros_like(x: ArrayInput): NDArray {
  return full(toTensor("zeros_like", x).shape, 0);
}
export function shape(x: ArrayInput): number[] {
  return toTensor("shape", x).shape.slice();
}

/** np.pad(x, widths, mode="constant", constant_values=value): one [before, after] pair per axis (or one for all). */
export function pad(x: ArrayInput, widths: PadWidths, value = 0): NDArray {
  if (typeof value !== "number") throw new Error(`pad: value must be a number, got ${describe(value)}`);
  const input = toTensor("pad", x);
  const pairs = padPairs(widths, input.ndim);
  const out = full(input.shape.map((d, axis) => d + pairs[axis]![0] + pairs[axis]![1]), value);
  const outStrides = stridesOf(out.shape);
  const start = pairs.reduce((offset, [before], axis) => offset + before * outStrides[axis]!, 0);
  const rows = rowStarts(input.shape, outStrides, start);
  const [n] = innermost(input.shape, outStrides);
  const src = input.data;
  const dst = out.data;
  for (let r = 0, k = 0; r < rows.length; r++) {
    for (let j = 0, a = rows[r]!; j < n; j++) dst[a + j] = src[k++]!;
  }
  return out;
}

function padPairs(widths: PadWidths, ndim: number): (readonly [number, number])[] {
  const given: unknown = widths;
  const isPair = (w: unknown): w is readonly [number, number] =>
    isArray(w) && w.length === 2 && w.every((n) => isInteger(n) && n >= 0);
  // numpy reads an int or a single pair as applying to every axis.
  const pairs = typeof given === "number" ? [[given, given] as const] : isPair(given) ? [given] : given;
  if (!isArray(pairs) || (pairs.length !== 1 && pairs.length !== ndim) || !pairs.every(isPair)) {
    throw new Error(`pad: expected one [before, after] pair of non-negative integers per axis (${ndim}), got ${describe(widths)}`);
  }
  return pairs.length === ndim ? pairs : Array.from({ length: ndim }, () => pairs[0]!);
}

// Strided walks. Up to four axes they allocate nothing: worksheet code reads and writes a (f,f,C)
// window, a (f,f) channel or a filter's channel once per window per channel, so per-call
// allocation, not the copying, was most of its time. Past four axes, the row walk. Above
// builtins.ts only; indexing.ts and the kernels build on it.
import { Float64 } from "./builtins.ts";

/** Whether a walk over `shape` with `strides` reads one contiguous run (axes of size 1 may have any stride). */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  for (let k = shape.length - 1, expected = 1; k >= 0; k--) {
    if (shape[k] !== 1 && strides[k] !== expected) return false;
    expected *= shape[k]!;
  }
  return true;
}

/** Copies the strided region of `src` (row-major order over `shape`) into `out` from 0. */
export function gather(src: Float64Array, offset: number, shape: readonly number[], strides: readonly number[], out: Float64Array): void {
  if (shape.length > 4) {
    const rows = rowStarts(shape, strides, offset);
    const [n, s] = innermost(shape, strides);
    for (let r = 0, k = 0; r < rows.length; r++) {
      for (let j = 0, a = rows[r]!; j < n; j++, a += s) out[k++] = src[a]!;
    }
    return;
  }
  // Padded in front to four axes (size 1, stride 0), as in scatter.
  const d = shape.length;
  const n0 = d > 3 ? shape[d - 4]! : 1, n1 = d > 2 ? shape[d - 3]! : 1, n2 = d > 1 ? shape[d - 2]! : 1, n3 = d > 0 ? shape[d - 1]! : 1;
  const s0 = d > 3 ? strides[d - 4]! : 0, s1 = d > 2 ? strides[d - 3]! : 0, s2 = d > 1 ? strides[d - 2]! : 0, s3 = d > 0 ? strides[d - 1]! : 0;
  let k = 0;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0, a = offset + i0 * s0 + i1 * s1; i2 < n2; i2++, a += s2) {
        if (s3 === 1) for (let j = 0; j < n3; j++) out[k++] = src[a + j]!;
        else for (let j = 0, b = a; j < n3; j++, b += s3) out[k++] = src[b]!;
      }
    }
  }
}

/**
 * dst's strided region over `shape` = (or += when `accumulate`) src read with `srcStrides` (0 along
 * broadcast axes) from 0.
 */
export function scatter(
  dst: Float64Array, offset: number, shape: readonly number[], strides: readonly number[],
  src: Float64Array, srcStrides: readonly number[], accumulate: boolean,
): void {
  if (shape.length > 4) {
    const dstRows = rowStarts(shape, strides, offset);
    const srcRows = rowStarts(shape, srcStrides, 0);
    const [n, dstStep] = innermost(shape, strides);
    const [, srcStep] = innermost(shape, srcStrides);
    for (let r = 0; r < dstRows.length; r++) {
      let a = dstRows[r]!;
      let b = srcRows[r]!;
      if (accumulate) for (let j = 0; j < n; j++, a += dstStep, b += srcStep) dst[a] = dst[a]! + src[b]!;
      else for (let j = 0; j < n; j++, a += dstStep, b += srcStep) dst[a] = src[b]!;
    }
    return;
  }
  // Padded in front to four axes (size 1, stride 0); written out, since student code arrives here
  // cold (a fresh context per exercise) and every call the interpreter makes costs.
  const d = shape.length;
  const n0 = d > 3 ? shape[d - 4]! : 1, n1 = d > 2 ? shape[d - 3]! : 1, n2 = d > 1 ? shape[d - 2]! : 1, n3 = d > 0 ? shape[d - 1]! : 1;
  const s0 = d > 3 ? strides[d - 4]! : 0, s1 = d > 2 ? strides[d - 3]! : 0, s2 = d > 1 ? strides[d - 2]! : 0, s3 = d > 0 ? strides[d - 1]! : 0;
  const t0 = d > 3 ? srcStrides[d - 4]! : 0, t1 = d > 2 ? srcStrides[d - 3]! : 0, t2 = d > 1 ? srcStrides[d - 2]! : 0, t3 = d > 0 ? srcStrides[d - 1]! : 0;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0, a = offset + i0 * s0 + i1 * s1, b = i0 * t0 + i1 * t1; i2 < n2; i2++, a += s2, b += t2) {
        if (accumulate) for (let j = 0, p = a, q = b; j < n3; j++, p += s3, q += t3) dst[p] = dst[p]! + src[q]!;
        else for (let j = 0, p = a, q = b; j < n3; j++, p += s3, q += t3) dst[p] = src[q]!;
      }
    }
  }
}

/** dst's strided region over `shape` = (or += when `accumulate`) one value. */
export function fillRegion(dst: Float64Array, offset: number, shape: readonly number[], strides: readonly number[], value: number, accumulate: boolean): void {
  if (shape.length > 4) {
    scatter(dst, offset, shape, strides, Float64.of(value), new Array<number>(shape.length).fill(0), accumulate);
    return;
  }
  // Padded in front to four axes (size 1, stride 0), as in scatter.
  const d = shape.length;
  const n0 = d > 3 ? shape[d - 4]! : 1, n1 = d > 2 ? shape[d - 3]! : 1, n2 = d > 1 ? shape[d - 2]! : 1, n3 = d > 0 ? shape[d - 1]! : 1;
  const s0 = d > 3 ? strides[d - 4]! : 0, s1 = d > 2 ? strides[d - 3]! : 0, s2 = d > 1 ? strides[d - 2]! : 0, s3 = d > 0 ? strides[d - 1]! : 0;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      for (let i2 = 0, a = offset + i0 * s0 + i1 * s1; i2 < n2; i2++, a += s2) {
        if (accumulate) for (let j = 0, p = a; j < n3; j++, p += s3) dst[p] = dst[p]! + value;
        else for (let j = 0, p = a; j < n3; j++, p += s3) dst[p] = value;
      }
    }
  }
}

/** Where each innermost row of a strided walk over `shape` starts, in row-major order. */
export function rowStarts(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const outer = shape.length - 1;
  let count = 1;
  for (let axis = 0; axis < outer; axis++) count *= shape[axis]!;
  const rows = new Array<number>(count);
  const counter = new Array<number>(Math.max(outer, 0)).fill(0);
  for (let r = 0, at = offset; r < count; r++) {
    rows[r] = at;
    for (let axis = outer - 1; axis >= 0; axis--) {
      at += strides[axis]!;
      if (++counter[axis]! < shape[axis]!) break;
      at -= strides[axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
  return rows;
}

/** Length and stride of the innermost rows; a 0-d walk is one row of one element. */
export function innermost(shape: readonly number[], strides: readonly number[]): [length: number, stride: number] {
  return shape.length === 0 ? [1, 0] : [shape[shape.length - 1]!, strides[strides.length - 1]!];
}

// Elementwise combination under numpy's broadcasting rules.
import { allocate } from "./alloc.ts";
import { innermost, rowStarts } from "./indexing.ts";
import { broadcastStrides, fmtShape, sameShape, sizeOf } from "./shape.ts";
import { toTensor } from "./tensor.ts";

type Combine = (x: number, y: number) => number;
export const plus: Combine = (x, y) => x + y;
export const minus: Combine = (x, y) => x - y;
export const times: Combine = (x, y) => x * y;
export const over: Combine = (x, y) => x / y;
export const same: Combine = (x, y) => (x === y ? 1 : 0);

/** How the caller (the class, above this module) builds the result from its shape and data. */
export type Make<T> = (shape: number[], data: Float64Array) => T;

export function elementwise<T>(op: string, left: unknown, right: unknown, f: Combine, make: Make<T>): T {
  const a = toTensor(op, left);
  const ad = a.data;
  if (typeof right === "number") {
    const out = allocate(ad.length);
    mapScalar(f, ad, right, out);
    return make(a.shape, out);
  }
  const b = toTensor(op, right);
  const bd = b.data;
  // Same shapes, and a per-channel vector such as a bias (1,1,C) against (f,f,C), skip the general walk.
  const period = sameShape(a.shape, b.shape) ? ad.length : repeatsAlongLastAxis(a.shape, b.shape);
  if (period > 0) {
    const out = allocate(ad.length);
    mapPeriodic(f, ad, bd, period, out);
    return make(a.shape, out);
  }
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const aStrides = broadcastStrides(op, a.shape, outShape, "operand", "result");
  const bStrides = broadcastStrides(op, b.shape, outShape, "operand", "result");
  const aRows = rowStarts(outShape, aStrides, 0);
  const bRows = rowStarts(outShape, bStrides, 0);
  const [n, aStep] = innermost(outShape, aStrides);
  const [, bStep] = innermost(outShape, bStrides);
  const out = allocate(sizeOf(outShape));
  for (let r = 0, k = 0; r < aRows.length; r++) {
    for (let c = 0, i = aRows[r]!, j = bRows[r]!; c < n; c++, i += aStep, j += bStep) out[k++] = f(ad[i]!, bd[j]!);
  }
  return make(outShape, out);
}

// One loop per operation: called through `f`, every loop's call site sees all five operations and
// V8 cannot inline any of them, which cost more than the arithmetic.
function mapScalar(f: Combine, x: Float64Array, y: number, out: Float64Array): void {
  const n = x.length;
  if (f === plus) for (let i = 0; i < n; i++) out[i] = x[i]! + y;
  else if (f === minus) for (let i = 0; i < n; i++) out[i] = x[i]! - y;
  else if (f === times) for (let i = 0; i < n; i++) out[i] = x[i]! * y;
  else if (f === over) for (let i = 0; i < n; i++) out[i] = x[i]! / y;
  else if (f === same) for (let i = 0; i < n; i++) out[i] = x[i] === y ? 1 : 0;
  else for (let i = 0; i < n; i++) out[i] = f(x[i]!, y);
}

/** out = f(x, y) with y repeated every `period` entries of x (x.length is a multiple of it). */
function mapPeriodic(f: Combine, x: Float64Array, y: Float64Array, period: number, out: Float64Array): void {
  const n = x.length;
  if (f === plus) for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = x[base + j]! + y[j]!;
  else if (f === minus) for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = x[base + j]! - y[j]!;
  else if (f === times) for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = x[base + j]! * y[j]!;
  else if (f === over) for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = x[base + j]! / y[j]!;
  else if (f === same) for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = x[base + j] === y[j] ? 1 : 0;
  else for (let base = 0; base < n; base += period) for (let j = 0; j < period; j++) out[base + j] = f(x[base + j]!, y[j]!);
}

/** b's length when b broadcasts over a as one repeated row along a's last axis (or as one value), else 0. */
function repeatsAlongLastAxis(a: readonly number[], b: readonly number[]): number {
  if (b.length > a.length || a.length === 0) return 0;
  for (let k = 0; k < b.length - 1; k++) if (b[k] !== 1) return 0;
  const last = b.length === 0 ? 1 : b[b.length - 1]!;
  return last === 1 || last === a[a.length - 1] ? last : 0;
}

function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < ndim; k++) {
    const da = a[a.length - ndim + k] ?? 1;
    const db = b[b.length - ndim + k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${op}: cannot broadcast ${fmtShape(a)} with ${fmtShape(b)}`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

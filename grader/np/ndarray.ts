// The tensor type and the public type aliases its methods accept.
import { elementwise, minus, over, plus, same, times } from "./broadcast.ts";
import { Float64, isArray } from "./builtins.ts";
import { formatArray } from "./format.ts";
import { innermost, offsetOf, resolve, rowStarts, write } from "./indexing.ts";
import { max, mean, min, sum } from "./math.ts";
import { checkShape, describe, fmtShape, inferShape, sizeOf } from "./shape.ts";

/** One entry of an index: a number picks (and drops) an axis, `[start, end]` is numpy's `start:end`, `null` is `:`. */
export type Index = number | readonly [start: number, end: number] | null | undefined;
export type Nested = number | boolean | readonly Nested[];
/** Anything numpy would accept as an array: an NDArray, a number, nested arrays, a Float64Array. */
export type ArrayInput = NDArray | Nested | Float64Array;
export type PadWidths = number | readonly [before: number, after: number] | readonly (readonly [before: number, after: number])[];

/** A contiguous row-major float64 tensor. Methods never share buffers: slices copy, writes go through methods. */
export class NDArray {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly size: number;
  readonly ndim: number;

  constructor(shape: readonly number[], data: Float64Array) {
    this.shape = checkShape("NDArray", shape);
    if (!(data instanceof Float64)) {
      throw new Error(`NDArray: data must be a Float64Array (use np.array for plain arrays), got ${describe(data)}`);
    }
    this.size = sizeOf(this.shape);
    if (data.length !== this.size) {
      throw new Error(`NDArray: data has ${data.length} elements but shape ${fmtShape(this.shape)} needs ${this.size}`);
    }
    this.data = data;
    this.ndim = this.shape.length;
  }

  /** x[i, j, ...] for a full index; negative indices count from the end. */
  get(...index: number[]): number {
    return this.data[offsetOf("get", this, index)]!;
  }

  /** x[i, j, ...] = value */
  set(index: readonly number[], value: number): void {
    if (typeof value !== "number") throw new Error(`set: value must be a number, got ${describe(value)}`);
    this.data[offsetOf("set", this, index)] = value;
  }

  /** x[0, 1:3, :] is x.slice(0, [1, 3], null); omitted trailing axes are `:`. Returns a copy. */
  slice(...index: Index[]): NDArray {
    const view = resolve("slice", this, index);
    const out = new Float64(sizeOf(view.shape));
    const rows = rowStarts(view.shape, view.strides, view.offset);
    const [n, step] = innermost(view.shape, view.strides);
    const src = this.data;
    for (let r = 0, k = 0; r < rows.length; r++) {
      for (let j = 0, a = rows[r]!; j < n; j++, a += step) out[k++] = src[a]!;
    }
    return new NDArray(view.shape, out);
  }

  /** x[index] = value, broadcasting value over the selected region. */
  assign(index: readonly Index[], value: ArrayInput): void {
    write("assign", this, index, value, false);
  }

  /** x[index] += value, broadcasting value over the selected region. */
  addAt(index: readonly Index[], value: ArrayInput): void {
    write("addAt", this, index, value, true);
  }

  /** Same data in a new shape (a copy); one dimension may be -1. Accepts reshape(2, 3) or reshape([2, 3]). */
  reshape(...shape: (number | readonly number[])[]): NDArray {
    const dims = (shape.length === 1 && isArray(shape[0]) ? shape[0] : shape) as readonly number[];
    return new NDArray(inferShape("reshape", dims, this.size), this.data.slice());
  }

  copy(): NDArray {
    return new NDArray(this.shape, this.data.slice());
  }

  sum(): number { return sum(this); }
  max(): number { return max(this); }
  min(): number { return min(this); }
  mean(): number { return mean(this); }
  add(other: ArrayInput): NDArray { return elementwise("add", this, other, plus); }
  sub(other: ArrayInput): NDArray { return elementwise("sub", this, other, minus); }
  mul(other: ArrayInput): NDArray { return elementwise("mul", this, other, times); }
  div(other: ArrayInput): NDArray { return elementwise("div", this, other, over); }
  /** x == other as a 0/1 mask. */
  eq(other: ArrayInput): NDArray { return elementwise("eq", this, other, same); }

  /** Prints like numpy's print(x). */
  toString(): string {
    return formatArray(this);
  }
}

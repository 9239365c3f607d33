// The tensor class and the public type aliases its methods accept. It sits above the kernels it calls
// (indexing, broadcasting, reductions, printing), which read any tensor-shaped record, never import
// the class, and build results through the makeNDArray they are handed; the public functions
// (constructors.ts, math.ts) sit above it.
import { allocate } from "./alloc.ts";
import { elementwise, minus, over, plus, same, times } from "./broadcast.ts";
import { Float64, isArray } from "./builtins.ts";
import { formatArray } from "./format.ts";
import { offsetOf, resolve, write } from "./indexing.ts";
import { maxOf, meanOf, minOf, sumOf } from "./reduce.ts";
import { checkShape, describe, inferShape, NDARRAY_BRAND, sizeOf } from "./shape.ts";
import { gather, isContiguous } from "./strided.ts";
import { checkData } from "./tensor.ts";

/** One entry of an index: a number picks (and drops) an axis, `[start, end]` is numpy's `start:end`, `null` is `:`. */
export type Index = number | readonly [start: number, end: number] | null | undefined;
export type Nested = number | boolean | readonly Nested[];
/** Anything numpy would accept as an array: an NDArray, a number, nested arrays, a Float64Array. */
export type ArrayInput = NDArray | Nested | Float64Array;
export type PadWidths = number | readonly [before: number, after: number] | readonly (readonly [before: number, after: number])[];

/** A contiguous row-major float64 tensor. Methods never share elements (small results may share one ArrayBuffer, each with its own range): slices copy, writes go through methods. */
export class NDArray {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly size: number;
  readonly ndim: number;

  constructor(shape: readonly number[], data: Float64Array) {
    this.shape = checkShape("NDArray", shape);
    this.size = checkData(this.shape, data);
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
    const size = sizeOf(view.shape);
    const out = allocate(size);
    if (isContiguous(view.shape, view.strides)) out.set(this.data.subarray(view.offset, view.offset + size));
    else gather(this.data, view.offset, view.shape, view.strides, out);
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

  sum(): number { return sumOf(this); }
  max(): number { return maxOf(this); }
  min(): number { return minOf(this); }
  mean(): number { return meanOf(this); }
  add(other: ArrayInput): NDArray { return elementwise("add", this, other, plus, makeNDArray); }
  sub(other: ArrayInput): NDArray { return elementwise("sub", this, other, minus, makeNDArray); }
  mul(other: ArrayInput): NDArray { return elementwise("mul", this, other, times, makeNDArray); }
  div(other: ArrayInput): NDArray { return elementwise("div", this, other, over, makeNDArray); }
  /** x == other as a 0/1 mask. */
  eq(other: ArrayInput): NDArray { return elementwise("eq", this, other, same, makeNDArray); }

  /** Prints like numpy's print(x). */
  toString(): string {
    return formatArray(this);
  }
}

// Non-writable and non-configurable, so student code can neither remove the mark nor fake it away.
Object.defineProperty(NDArray.prototype, NDARRAY_BRAND, { value: true });

/** How the kernels below the class build their results (checked by the constructor, as every NDArray is). */
export const makeNDArray = (shape: number[], data: Float64Array): NDArray => new NDArray(shape, data);

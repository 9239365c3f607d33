// Generated from grader/np/index.ts and the files it re-exports by scripts/build-np-dts.ts; do not edit.
// The declarations of the "@autograde/np" module: save as node_modules/@autograde/np/index.d.ts
// (or map the name with tsconfig "paths") to get types and completion in your editor.
/** One entry of an index: a number picks (and drops) an axis, `[start, end]` is numpy's `start:end`, `null` is `:`. */
export type Index = number | readonly [start: number, end: number] | null | undefined;
export type Nested = number | boolean | readonly Nested[];
/** Anything numpy would accept as an array: an NDArray, a number, nested arrays, a Float64Array. */
export type ArrayInput = NDArray | Nested | Float64Array;
export type PadWidths = number | readonly [before: number, after: number] | readonly (readonly [before: number, after: number])[];
/** A contiguous row-major float64 tensor. Methods never share elements (small results may share one ArrayBuffer, each with its own range): slices copy, writes go through methods. */
export declare class NDArray {
    readonly shape: number[];
    readonly data: Float64Array;
    readonly size: number;
    readonly ndim: number;
    constructor(shape: readonly number[], data: Float64Array);
    /** x[i, j, ...] for a full index; negative indices count from the end. */
    get(...index: number[]): number;
    /** x[i, j, ...] = value */
    set(index: readonly number[], value: number): void;
    /** x[0, 1:3, :] is x.slice(0, [1, 3], null); omitted trailing axes are `:`. Returns a copy. */
    slice(...index: Index[]): NDArray;
    /** x[index] = value, broadcasting value over the selected region. */
    assign(index: readonly Index[], value: ArrayInput): void;
    /** x[index] += value, broadcasting value over the selected region. */
    addAt(index: readonly Index[], value: ArrayInput): void;
    /** Same data in a new shape (a copy); one dimension may be -1. Accepts reshape(2, 3) or reshape([2, 3]). */
    reshape(...shape: (number | readonly number[])[]): NDArray;
    copy(): NDArray;
    sum(): number;
    max(): number;
    min(): number;
    mean(): number;
    add(other: ArrayInput): NDArray;
    sub(other: ArrayInput): NDArray;
    mul(other: ArrayInput): NDArray;
    div(other: ArrayInput): NDArray;
    /** x == other as a 0/1 mask. */
    eq(other: ArrayInput): NDArray;
    /** Prints like numpy's print(x). */
    toString(): string;
}
export declare function array(values: ArrayInput, shape?: readonly number[]): NDArray;
export declare function full(shape: readonly number[], value: number): NDArray;
export declare function zeros(shape: readonly number[]): NDArray;
export declare function ones(shape: readonly number[]): NDArray;
export declare function zeros_like(x: ArrayInput): NDArray;
export declare function shape(x: ArrayInput): number[];
/** np.pad(x, widths, mode="constant", constant_values=value): one [before, after] pair per axis (or one for all). */
export declare function pad(x: ArrayInput, widths: PadWidths, value?: number): NDArray;
export declare function sum(x: ArrayInput): number;
export declare function mean(x: ArrayInput): number;
/** The largest entry; NaN if any entry is NaN, as in numpy. */
export declare function max(x: ArrayInput): number;
/** The smallest entry; NaN if any entry is NaN, as in numpy. */
export declare function min(x: ArrayInput): number;
export declare function add(a: ArrayInput, b: ArrayInput): NDArray;
export declare function subtract(a: ArrayInput, b: ArrayInput): NDArray;
export declare function multiply(a: ArrayInput, b: ArrayInput): NDArray;
export declare function divide(a: ArrayInput, b: ArrayInput): NDArray;
/** a == b as a 0/1 mask. */
export declare function equal(a: ArrayInput, b: ArrayInput): NDArray;

// The public reductions and elementwise arithmetic.
import { elementwise, minus, over, plus, same, times } from "./broadcast.ts";
import { makeNDArray, type ArrayInput, type NDArray } from "./ndarray.ts";
import { maxOf, meanOf, minOf, sumOf } from "./reduce.ts";

export function sum(x: ArrayInput): number {
  return sumOf(x);
}
export function mean(x: ArrayInput): number {
  return meanOf(x);
}
/** The largest entry; NaN if any entry is NaN, as in numpy. */
export function max(x: ArrayInput): number {
  return maxOf(x);
}
/** The smallest entry; NaN if any entry is NaN, as in numpy. */
export function min(x: ArrayInput): number {
  return minOf(x);
}

export function add(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("add", a, b, plus, makeNDArray);
}
export function subtract(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("subtract", a, b, minus, makeNDArray);
}
export function multiply(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("multiply", a, b, times, makeNDArray);
}
export function divide(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("divide", a, b, over, makeNDArray);
}
/** a == b as a 0/1 mask. */
export function equal(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("equal", a, b, same, makeNDArray);
}

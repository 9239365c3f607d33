// Reductions and the elementwise arithmetic of the public API.
import { elementwise, minus, over, plus, same, times } from "./broadcast.ts";
import { toArray } from "./constructors.ts";
import type { ArrayInput, NDArray } from "./ndarray.ts";

export function sum(x: ArrayInput): number {
  const d = toArray("sum", x).data;
  let total = 0;
  for (let i = 0; i < d.length; i++) total += d[i]!;
  return total;
}
export function mean(x: ArrayInput): number {
  const input = toArray("mean", x);
  return input.size === 0 ? NaN : sum(input) / input.size;
}
/** The largest entry; NaN if any entry is NaN, as in numpy. */
export function max(x: ArrayInput): number {
  return extreme("max", x, (a, b) => a > b);
}
/** The smallest entry; NaN if any entry is NaN, as in numpy. */
export function min(x: ArrayInput): number {
  return extreme("min", x, (a, b) => a < b);
}

export function add(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("add", a, b, plus);
}
export function subtract(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("subtract", a, b, minus);
}
export function multiply(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("multiply", a, b, times);
}
export function divide(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("divide", a, b, over);
}
/** a == b as a 0/1 mask. */
export function equal(a: ArrayInput, b: ArrayInput): NDArray {
  return elementwise("equal", a, b, same);
}

function extreme(op: string, x: ArrayInput, better: (a: number, b: number) => boolean): number {
  const d = toArray(op, x).data;
  if (d.length === 0) throw new Error(`${op}: zero-size array has no ${op}imum`);
  let best = d[0]!;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) return NaN;
    if (better(v, best)) best = v;
  }
  return best;
}

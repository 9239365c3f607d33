// Building arrays: from nested data, filled, padded; and toArray, how every function reads its operands.
import { Float64, isArray, isInteger } from "./builtins.ts";
import { innermost, rowStarts } from "./indexing.ts";
import { type ArrayInput, NDArray, type PadWidths } from "./ndarray.ts";
import { checkShape, describe, inferShape, isArrayLikeObject, sizeOf, stridesOf } from "./shape.ts";

export function array(values: ArrayInput, shape?: readonly number[]): NDArray {
  let result: NDArray;
  if (isArrayLikeObject(values)) {
    result = new NDArray(values.shape, Float64.from(values.data));
  } else if (values instanceof Float64) {
    result = new NDArray([values.length], values.slice());
  } else {
    const dims: number[] = [];
    for (let level: unknown = values; isArray(level); level = level[0]) dims.push(level.length);
    const data = new Float64(sizeOf(dims));
    let k = 0;
    const path: number[] = [];
    const visit = (node: unknown, depth: number): void => {
      if (depth === dims.length) {
        if (typeof node === "number" || typeof node === "boolean") data[k++] = Number(node);
        else throw new Error(`array: element at [${path.join(",")}] is ${describe(node)}, expected a number`);
        return;
      }
      if (!isArray(node) || node.length !== dims[depth]) {
        throw new Error(`array: ragged nested array: [${path.join(",")}] should be a list of length ${dims[depth]}, got ${describe(node)}`);
      }
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        visit(node[i], depth + 1);
        path.pop();
      }
    };
    visit(values, 0);
    result = new NDArray(dims, data);
  }
  return shape === undefined ? result : new NDArray(inferShape("array", shape, result.size), result.data);
}

export function full(shape: readonly number[], value: number): NDArray {
  if (typeof value !== "number") throw new Error(`full: value must be a number, got ${describe(value)}`);
  const dims = checkShape("full", shape);
  return new NDArray(dims, new Float64(sizeOf(dims)).fill(value));
}
export function zeros(shape: readonly number[]): NDArray {
  return full(shape, 0);
}
export function ones(shape: readonly number[]): NDArray {
  return full(shape, 1);
}
export function zeros_like(x: ArrayInput): NDArray {
  return full(toArray("zeros_like", x).shape, 0);
}
export function shape(x: ArrayInput): number[] {
  return toArray("shape", x).shape.slice();
}

/** np.pad(x, widths, mode="constant", constant_values=value): one [before, after] pair per axis (or one for all). */
export function pad(x: ArrayInput, widths: PadWidths, value = 0): NDArray {
  if (typeof value !== "number") throw new Error(`pad: value must be a number, got ${describe(value)}`);
  const input = toArray("pad", x);
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

/** NDArrays pass through; other tensors (`{shape, data: Float64Array}`, e.g. from another copy of this module) are wrapped. */
export function toArray(op: string, x: unknown): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") return new NDArray([], Float64.of(x));
  if (isArrayLikeObject(x) && x.data instanceof Float64) return new NDArray(x.shape, x.data);
  if (typeof x === "boolean" || isArray(x) || x instanceof Float64) return array(x);
  throw new Error(`${op}: expected an NDArray, a number or nested arrays of numbers, got ${describe(x)}`);
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

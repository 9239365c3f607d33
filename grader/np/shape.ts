// Shape validation and the error descriptions every function shares: the bottom layer of grader/np,
// above builtins.ts only. The layers, bottom up, each importing only those below it: shape.ts,
// tensor.ts (storage), indexing.ts, then broadcast.ts, reduce.ts and format.ts (the kernels),
// ndarray.ts (the class), constructors.ts and math.ts (the public functions), index.ts.
import { isArray, isInteger } from "./builtins.ts";

/** What the layers below the class read of an array: NDArray instances and plain records both fit. */
export interface Tensor {
  readonly shape: number[];
  readonly data: Float64Array;
  readonly size: number;
  readonly ndim: number;
}

/**
 * Defined on NDArray.prototype by ndarray.ts, so the layers below the class tell its instances
 * apart as `instanceof NDArray` would (prototype chain, not another copy of this module's class).
 */
export const NDARRAY_BRAND: unique symbol = Symbol("NDArray");

export function isNDArray(x: unknown): x is Tensor {
  return (typeof x === "object" || typeof x === "function") && x !== null && NDARRAY_BRAND in x;
}

export function isArrayLikeObject(x: unknown): x is { shape: readonly number[]; data: ArrayLike<number> } {
  return typeof x === "object" && x !== null && !isArray(x) && "shape" in x && "data" in x;
}

export function inferShape(op: string, dims: readonly number[], size: number): number[] {
  const unknown = isArray(dims) ? dims.filter((d) => d === -1).length : 0;
  const known = checkShape(op, unknown === 1 ? dims.map((d) => (d === -1 ? 1 : d)) : dims);
  const rest = sizeOf(known);
  const shape = unknown === 1 && rest > 0 && size % rest === 0 ? dims.map((d) => (d === -1 ? size / rest : d)) : known;
  if (sizeOf(shape) !== size) throw new Error(`${op}: cannot reshape array of size ${size} into shape ${fmtShape(dims)}`);
  return shape;
}

export function checkShape(op: string, shape: unknown): number[] {
  if (!isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  for (let axis = 0; axis < shape.length; axis++) {
    const d: unknown = shape[axis];
    if (typeof d !== "number" || !isInteger(d) || d < 0) {
      throw new Error(`${op}: shape ${describe(shape)} has invalid dimension ${describe(d)} at axis ${axis}`);
    }
  }
  return shape.slice();
}

export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let k = shape.length - 1, acc = 1; k >= 0; acc *= shape[k]!, k--) strides[k] = acc;
  return strides;
}

/** Strides that read `from` as if it had shape `to` (0 along broadcast axes); numpy drops leading 1s of `from`. */
export function broadcastStrides(op: string, from: readonly number[], to: readonly number[], fromName: string, toName: string): number[] {
  const own = stridesOf(from);
  const lead = to.length - from.length;
  let fits = true;
  for (let k = 0; k < -lead; k++) fits &&= from[k] === 1;
  const strides = new Array<number>(to.length);
  for (let k = 0; k < to.length; k++) {
    const dim = k < lead ? 1 : from[k - lead]!;
    fits &&= dim === to[k] || dim === 1;
    strides[k] = dim === 1 ? 0 : own[k - lead]!;
  }
  if (!fits) throw new Error(`${op}: cannot broadcast ${fromName} of shape ${fmtShape(from)} into ${toName} of shape ${fmtShape(to)}`);
  return strides;
}

export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let k = 0; k < shape.length; k++) n *= shape[k]!;
  return n;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export const fmtShape = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(",")})`;

export function describe(x: unknown): string {
  if (isNDArray(x)) return `an NDArray of shape ${fmtShape(x.shape)}`;
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return String(x);
  if (isArray(x)) return x.length > 8 ? `an array of length ${x.length}` : `[${x.map(describe).join(", ")}]`;
  return `a value of type ${typeof x === "object" ? (Object.getPrototypeOf(x)?.constructor?.name ?? "object") : typeof x}`;
}

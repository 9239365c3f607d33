// Shape validation and the error descriptions every function shares.
import { isArray, isInteger } from "./builtins.ts";
import { NDArray } from "./ndarray.ts";

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
  if (x instanceof NDArray) return `an NDArray of shape ${fmtShape(x.shape)}`;
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return String(x);
  if (isArray(x)) return x.length > 8 ? `an array of length ${x.length}` : `[${x.map(describe).join(", ")}]`;
  return `a value of type ${typeof x === "object" ? (Object.getPrototypeOf(x)?.constructor?.name ?? "object") : typeof x}`;
}

import type { Tensor } from "../../reference/index.ts";
import type { Value } from "../types.ts";

export function sizeOfShape(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

/** numpy's notation, which the worksheet prints: (4, 7, 7, 2), (3,), (). */
export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

// Tag check instead of instanceof: values may come from another realm (isolate copy, worker, vm).
function isNumericTypedArray(value: unknown): value is ArrayLike<number> {
  if (!ArrayBuffer.isView(value)) return false;
  const tag = Object.prototype.toString.call(value);
  return tag !== "[object DataView]" && tag !== "[object BigInt64Array]" && tag !== "[object BigUint64Array]";
}

function isShape(value: unknown): value is readonly number[] {
  return Array.isArray(value) && value.every((dim) => typeof dim === "number" && Number.isInteger(dim) && dim >= 0);
}

function isTensorLike(value: unknown): value is { shape: readonly number[]; data: ArrayLike<number> } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const { shape, data } = value as { shape?: unknown; data?: unknown };
  return isShape(shape) && isNumericTypedArray(data);
}

/** A well-formed tensor: shape of non-negative integers, typed data of exactly that many elements. */
export function isTensor(value: unknown): value is Tensor {
  return isTensorLike(value) && value.data.length === sizeOfShape(value.shape);
}

/** The same tensor with Float64Array data (other typed arrays are copied). */
export function toFloat64Tensor(value: Tensor): Tensor {
  if (Object.prototype.toString.call(value.data) === "[object Float64Array]") return value;
  return { shape: [...value.shape], data: Float64Array.from(value.data) };
}

function isScalarLeaf(value: unknown): value is number | boolean {
  return typeof value === "number" || typeof value === "boolean";
}

/** The shape of a rectangular nested array of numbers/booleans, or undefined when it is ragged or mixed. */
function nestedShape(value: readonly unknown[]): number[] | undefined {
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const check = (node: unknown, axis: number): boolean => {
    if (axis === shape.length) return isScalarLeaf(node);
    return Array.isArray(node) && node.length === shape[axis] && node.every((child) => check(child, axis + 1));
  };
  return check(value, 0) ? shape : undefined;
}

/**
 * The value as a Float64 tensor when it is one in any accepted spelling: a tensor, `{ shape, data }`
 * with number/boolean[] data, or a rectangular nested array. The sandbox normally converts already;
 * accepting these here keeps grading independent of how thoroughly it did.
 */
export function asTensor(value: unknown): Tensor | undefined {
  if (isTensor(value)) return toFloat64Tensor(value);
  if (Array.isArray(value)) {
    const shape = nestedShape(value);
    return shape && { shape, data: Float64Array.from(value.flat(Infinity) as (number | boolean)[], Number) };
  }
  if (typeof value !== "object" || value === null) return undefined;
  const { shape, data } = value as { shape?: unknown; data?: unknown };
  if (isShape(shape) && Array.isArray(data) && data.length === sizeOfShape(shape) && data.every(isScalarLeaf)) {
    return { shape: [...shape], data: Float64Array.from(data, Number) };
  }
  return undefined;
}

/** Names what a value is, for messages: "a number (3.5)", "a tensor of shape (4, 3, 3, 2)". */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "number") return `a number (${value})`;
  if (typeof value === "boolean") return `a boolean (${value})`;
  if (typeof value === "string") return "a string";
  if (Array.isArray(value)) return value.length === 1 ? "an array of 1 item" : `an array of ${value.length} items`;
  if (isTensor(value)) return `a tensor of shape ${formatShape(value.shape)}`;
  if (isTensorLike(value)) {
    return `a malformed tensor (shape ${formatShape(value.shape)} but ${value.data.length} values)`;
  }
  if (typeof value === "object") {
    const keys = Object.keys(value);
    return keys.length === 0 ? "an empty object" : `an object with keys ${keys.slice(0, 5).join(", ")}`;
  }
  return `a ${typeof value}`;
}

/** Arguments come from our own recipes, so a mismatch here is a catalogue bug: throw. */
export function tensorArg(args: readonly Value[], index: number, name: string): Tensor {
  const value = args[index];
  if (!isTensor(value)) throw new TypeError(`argument ${index} (${name}) must be a tensor, got ${describeValue(value)}`);
  return toFloat64Tensor(value);
}

export function numberArg(args: readonly Value[], index: number, name: string): number {
  const value = args[index];
  if (typeof value !== "number") throw new TypeError(`argument ${index} (${name}) must be a number, got ${describeValue(value)}`);
  return value;
}

export function arrayArg(args: readonly Value[], index: number, name: string, length: number): readonly Value[] {
  const value = args[index];
  if (!Array.isArray(value) || value.length !== length) {
    throw new TypeError(`argument ${index} (${name}) must be an array of ${length} items, got ${describeValue(value)}`);
  }
  return value as readonly Value[];
}

export function integerFields<K extends string>(
  args: readonly Value[],
  index: number,
  name: string,
  keys: readonly K[],
): Record<K, number> {
  const value = args[index];
  if (typeof value !== "object" || value === null || Array.isArray(value) || isTensorLike(value)) {
    throw new TypeError(`argument ${index} (${name}) must be an object, got ${describeValue(value)}`);
  }
  const record = value as Record<string, Value>;
  const fields = {} as Record<K, number>;
  for (const key of keys) {
    const field = record[key];
    if (typeof field !== "number" || !Number.isInteger(field)) {
      throw new TypeError(`argument ${index} (${name}) needs an integer ${key}, got ${describeValue(field)}`);
    }
    fields[key] = field;
  }
  return fields;
}

export function poolModeArg(args: readonly Value[], index: number): "max" | "average" {
  const value = args[index];
  if (value !== "max" && value !== "average") {
    throw new TypeError(`argument ${index} (mode) must be "max" or "average", got ${describeValue(value)}`);
  }
  return value;
}

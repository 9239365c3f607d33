import { clipText, MAX_KEY_CHARS, MAX_STUDENT_TEXT_CHARS } from "../clip.ts";
import type { Builtins } from "./prelude-builtins.ts";

export type TakenResult =
  | { kind: "returned"; value: unknown }
  | { kind: "bad_output"; reason: string }
  | { kind: "threw"; message: string };

const MAX_DEPTH = 64;

/**
 * Turns whatever student code returned into plain data (numbers, strings, null, plain arrays and
 * objects, `{ shape, data: Float64Array }` tensors) built from scratch here, counting every element
 * against the output cap before allocating. Only built-ins captured before student code ran are used:
 * `install` makes the converter while the context is still pristine.
 *
 * Every reason is clipped where it is made, and so is every key copied out: a key is data, but it
 * also becomes part of paths in reasons and of the host's descriptions of the value. Clipping a key
 * cannot change a grade, as the comparison only looks up the short keys an answer must have.
 */
export function createOutputConverter(b: Builtins, maxOutputElements: number): (value: unknown) => TakenResult {
  const stringSlice = String.prototype.slice;
  const { reflectApply, getPrototypeOf, objectKeys, isArray, isSafeInteger, StringOf, Float64ArrayCtor, Int32ArrayCtor, ObjectPrototype, objectToString, ceil, stringify, RangeErrorCtor } = b;
  const { tagOf, lengthOfTypedArray, joinShape, clip, put, describeThrown } = b;
  const slice = (text: string, start: number, end: number): string => reflectApply(stringSlice, text, [start, end]) as string;
  const clipReason = (reason: string): string => clipText(reason, MAX_STUDENT_TEXT_CHARS, slice);
  class BadOutput {
    readonly reason: string;
    constructor(reason: string) {
      this.reason = clipReason(reason);
    }
  }
  const bad = (reason: string): never => {
    throw new BadOutput(reason);
  };
  const pathOf = (indices: Int32Array, depth: number): string => {
    let s = "";
    for (let d = 0; d < depth; d++) s += `[${indices[d]!}]`;
    return s === "" ? "the top level" : s;
  };

  function convertOutput(value: unknown): TakenResult {
    let budget = maxOutputElements;
    const spend = (n: number, where: string): void => {
      budget -= n;
      if (budget < 0) bad(`the output has more than ${maxOutputElements} elements (at ${where})`);
    };

    const describeKind = (x: unknown): string => {
      if (x === undefined) return "undefined";
      if (typeof x === "function") return "a function";
      if (typeof x === "symbol") return "a symbol";
      if (typeof x === "bigint") return "a BigInt";
      return `a value of type ${typeof x}`;
    };

    function tensorFrom(shapeValue: unknown, dataValue: unknown, where: string): unknown {
      if (!isArray(shapeValue)) return bad(`${where}: shape must be an array of non-negative integers`);
      const rank = shapeValue.length;
      if (rank > 32) bad(`${where}: shape has ${rank} dimensions (at most 32)`);
      const shape: number[] = [];
      let size = 1;
      for (let i = 0; i < rank; i++) {
        const d: unknown = shapeValue[i];
        if (typeof d !== "number" || !isSafeInteger(d) || d < 0) bad(`${where}: shape[${i}] is ${describeScalar(d)}, not a non-negative integer`);
        size *= d as number;
        put(shape, i, d);
      }
      if (size > budget) bad(`${where}: shape ${joinShape(shape)} claims ${size} elements; the output limit is ${maxOutputElements}`);
      const tag = tagOf(dataValue);
      let data: Float64Array;
      if (tag !== undefined) {
        if (tag === "BigInt64Array" || tag === "BigUint64Array") return bad(`${where}: data is a ${tag}; use numbers`);
        const n = lengthOfTypedArray(dataValue);
        if (n !== size) bad(`${where}: data has ${n} elements but shape ${joinShape(shape)} needs ${size}`);
        data = new Float64ArrayCtor(dataValue as ArrayLike<number>);
      } else if (isArray(dataValue)) {
        const n = dataValue.length;
        if (n !== size) bad(`${where}: data has ${n} elements but shape ${joinShape(shape)} needs ${size}`);
        data = new Float64ArrayCtor(n);
        for (let i = 0; i < n; i++) {
          const x: unknown = dataValue[i];
          if (typeof x === "number") data[i] = x;
          else if (typeof x === "boolean") data[i] = x ? 1 : 0;
          else bad(`${where}: data[${i}] is ${i in dataValue ? describeKind(x) : "a hole (sparse array)"}, not a number or boolean`);
        }
      } else {
        return bad(`${where}: data must be a typed array, number[] or boolean[], got ${describeKind(dataValue)}`);
      }
      // The captured getter: student code may have redefined %TypedArray%.prototype.length.
      const copied = lengthOfTypedArray(data);
      if (copied !== size) bad(`${where}: data has ${copied} elements but shape ${joinShape(shape)} needs ${size}`);
      spend(size + rank, where);
      return { shape, data };
    }

    function describeScalar(x: unknown): string {
      if (typeof x === "number" || typeof x === "boolean") return StringOf(x);
      if (typeof x === "string") return stringify(clip(x)) as string;
      return describeKind(x);
    }

    /** True when every leaf under `a` (through arrays only) is a number or boolean. */
    function allNumeric(a: unknown[], depth: number, seen: { n: number }): boolean {
      if (depth >= MAX_DEPTH) bad(`the output is nested more than ${MAX_DEPTH} levels deep`);
      const n = a.length;
      for (let i = 0; i < n; i++) {
        const x: unknown = a[i];
        if (++seen.n > budget) bad(`the output has more than ${maxOutputElements} elements`);
        if (isArray(x)) {
          if (!allNumeric(x, depth + 1, seen)) return false;
        } else if (typeof x !== "number" && typeof x !== "boolean") {
          return false;
        }
      }
      return true;
    }

    function nestedToTensor(top: unknown[], basePath: string): unknown {
      const dims = new Int32ArrayCtor(MAX_DEPTH);
      let rank = 0;
      let size = 1;
      for (let cur: unknown = top; isArray(cur) && rank < MAX_DEPTH; ) {
        const length = cur.length;
        dims[rank++] = length;
        size *= length;
        if (length === 0) break;
        cur = cur[0];
      }
      if (size > budget) bad(`${basePath}: a nested array of ${size} elements exceeds the output limit of ${maxOutputElements}`);
      const data = new Float64ArrayCtor(size);
      const indices = new Int32ArrayCtor(MAX_DEPTH);
      let offset = 0;
      const fill = (a: unknown[], depth: number): void => {
        const length = a.length;
        if (length !== dims[depth]) {
          bad(`ragged nested array: ${basePath}${pathOf(indices, depth)} has length ${length}, but the first array at that depth has length ${dims[depth]!}`);
        }
        for (let i = 0; i < length; i++) {
          indices[depth] = i;
          const x: unknown = a[i];
          if (depth < rank - 1) {
            if (!isArray(x)) bad(`ragged nested array: ${basePath}${pathOf(indices, depth + 1)} is a number where an array was expected`);
            fill(x as unknown[], depth + 1);
          } else if (isArray(x)) {
            bad(`ragged nested array: ${basePath}${pathOf(indices, depth + 1)} is an array where a number was expected`);
          } else {
            data[offset++] = typeof x === "boolean" ? (x ? 1 : 0) : (x as number);
          }
        }
      };
      fill(top, 0);
      if (offset !== size) bad(`${basePath}: the nested array changed while it was being read`);
      const shape: number[] = [];
      for (let d = 0; d < rank; d++) put(shape, d, dims[d]);
      spend(size + rank, basePath);
      return { shape, data };
    }

    function convert(x: unknown, depth: number, path: string): unknown {
      if (depth > MAX_DEPTH) bad(`the output is nested more than ${MAX_DEPTH} levels deep (a cycle?)`);
      const where = path === "" ? "the returned value" : `the returned value at ${path}`;
      switch (typeof x) {
        case "number":
        case "boolean":
          spend(1, where);
          return x;
        case "string":
          spend(1 + ceil((x as string).length / 8), where);
          return x;
        case "undefined":
          return bad(`${where} is undefined${path === "" ? " (did the function forget to return?)" : ""}`);
        case "function":
          return bad(`${where} is a function, not data`);
        case "symbol":
          return bad(`${where} is a symbol, not data`);
        case "bigint":
          return bad(`${where} is a BigInt; use a number`);
        case "object":
          // null, tensors, arrays and records: below.
          break;
      }
      if (x === null) {
        spend(1, where);
        return null;
      }
      const tag = tagOf(x);
      if (tag !== undefined) {
        return tensorFrom([lengthOfTypedArray(x)], x, where);
      }
      if (isArray(x)) {
        if (x.length > budget) bad(`${where} is an array of ${x.length} elements; the output limit is ${maxOutputElements}`);
        if (allNumeric(x, depth, { n: 0 })) return nestedToTensor(x, path);
        const out: unknown[] = [];
        for (let i = 0; i < x.length; i++) {
          if (!(i in x)) bad(`${where}: index [${i}] is a hole (sparse array)`);
          put(out, i, convert(x[i], depth + 1, `${path}[${i}]`));
        }
        spend(1, where);
        return out;
      }
      const record = x as Record<string, unknown>;
      if (typeof record.then === "function") {
        return bad(`${where} is a Promise or thenable: exercise functions must return their result synchronously`);
      }
      if ("shape" in record && "data" in record) return tensorFrom(record.shape, record.data, where);
      const proto: unknown = getPrototypeOf(record);
      if (proto !== ObjectPrototype && proto !== null) {
        return bad(`${where} is an object of an unsupported kind (${describeObject(record)}); return numbers, arrays, tensors or plain objects`);
      }
      const keys = objectKeys(record);
      if (keys.length > budget) bad(`${where} has ${keys.length} keys; the output limit is ${maxOutputElements}`);
      const out: Record<string, unknown> = {};
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        if (key === "__proto__") bad(`${where} has a "__proto__" key`);
        spend(1 + ceil(key.length / 8), where);
        const shownKey = clipText(key, MAX_KEY_CHARS, slice);
        put(out, shownKey, convert(record[key], depth + 1, `${path}.${shownKey}`));
      }
      return out;
    }

    function describeObject(x: object): string {
      const tag = reflectApply(objectToString, x, []) as string;
      return typeof tag === "string" ? clip(tag) : "object";
    }

    try {
      return { kind: "returned", value: convert(value, 0, "") };
    } catch (error) {
      if (error instanceof BadOutput) return { kind: "bad_output", reason: error.reason };
      if (error instanceof RangeErrorCtor) return { kind: "bad_output", reason: clipReason(`the returned value could not be read: ${describeThrown(error)}`) };
      return { kind: "bad_output", reason: clipReason(`reading the returned value threw: ${describeThrown(error)}`) };
    }
  }

  return convertOutput;
}

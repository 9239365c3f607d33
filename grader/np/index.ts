// Runs inside the sandbox's isolate as "@autograde/np": no imports, no host APIs, ECMAScript built-ins only.

// Captured when the module loads, before student code runs: replacing these globals must not break
// how the sandbox builds arguments or how these helpers check them.
const Float64 = Float64Array;
const isArray = Array.isArray;
const isInteger = Number.isInteger;

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

type Combine = (x: number, y: number) => number;
const plus: Combine = (x, y) => x + y;
const minus: Combine = (x, y) => x - y;
const times: Combine = (x, y) => x * y;
const over: Combine = (x, y) => x / y;
const same: Combine = (x, y) => (x === y ? 1 : 0);

function elementwise(op: string, left: ArrayInput, right: ArrayInput, f: Combine): NDArray {
  const a = toArray(op, left);
  const ad = a.data;
  if (typeof right === "number") {
    const out = new Float64(ad.length);
    for (let i = 0; i < ad.length; i++) out[i] = f(ad[i]!, right);
    return new NDArray(a.shape, out);
  }
  const b = toArray(op, right);
  const bd = b.data;
  // Same shapes, and a per-channel vector such as a bias (1,1,C) against (f,f,C), skip the general walk.
  const period = sameShape(a.shape, b.shape) ? ad.length : repeatsAlongLastAxis(a.shape, b.shape);
  if (period > 0) {
    const out = new Float64(ad.length);
    for (let i = 0, j = 0; i < ad.length; i++, j = j + 1 === period ? 0 : j + 1) out[i] = f(ad[i]!, bd[j]!);
    return new NDArray(a.shape, out);
  }
  const outShape = broadcastShapes(op, a.shape, b.shape);
  const aStrides = broadcastStrides(op, a.shape, outShape, "operand", "result");
  const bStrides = broadcastStrides(op, b.shape, outShape, "operand", "result");
  const aRows = rowStarts(outShape, aStrides, 0);
  const bRows = rowStarts(outShape, bStrides, 0);
  const [n, aStep] = innermost(outShape, aStrides);
  const [, bStep] = innermost(outShape, bStrides);
  const out = new Float64(sizeOf(outShape));
  for (let r = 0, k = 0; r < aRows.length; r++) {
    for (let c = 0, i = aRows[r]!, j = bRows[r]!; c < n; c++, i += aStep, j += bStep) out[k++] = f(ad[i]!, bd[j]!);
  }
  return new NDArray(outShape, out);
}

/** b's length when b broadcasts over a as one repeated row along a's last axis (or as one value), else 0. */
function repeatsAlongLastAxis(a: readonly number[], b: readonly number[]): number {
  if (b.length > a.length || a.length === 0) return 0;
  for (let k = 0; k < b.length - 1; k++) if (b[k] !== 1) return 0;
  const last = b.length === 0 ? 1 : b[b.length - 1]!;
  return last === 1 || last === a[a.length - 1] ? last : 0;
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

function isArrayLikeObject(x: unknown): x is { shape: readonly number[]; data: ArrayLike<number> } {
  return typeof x === "object" && x !== null && !isArray(x) && "shape" in x && "data" in x;
}

/** NDArrays pass through; other tensors (`{shape, data: Float64Array}`, e.g. from another copy of this module) are wrapped. */
function toArray(op: string, x: unknown): NDArray {
  if (x instanceof NDArray) return x;
  if (typeof x === "number") return new NDArray([], Float64.of(x));
  if (isArrayLikeObject(x) && x.data instanceof Float64) return new NDArray(x.shape, x.data);
  if (typeof x === "boolean" || isArray(x) || x instanceof Float64) return array(x);
  throw new Error(`${op}: expected an NDArray, a number or nested arrays of numbers, got ${describe(x)}`);
}

function offsetOf(op: string, x: NDArray, index: readonly number[]): number {
  if (!isArray(index)) throw new Error(`${op}: index must be an array of numbers, got ${describe(index)}`);
  if (index.length !== x.ndim) {
    throw new Error(`${op}: expected ${x.ndim} indices for an array of shape ${fmtShape(x.shape)}, got ${index.length}`);
  }
  let offset = 0;
  for (let axis = 0; axis < x.ndim; axis++) {
    offset = offset * x.shape[axis]! + position(op, index[axis], axis, x.shape[axis]!);
  }
  return offset;
}

function write(op: string, x: NDArray, index: readonly Index[], value: ArrayInput, accumulate: boolean): void {
  const view = resolve(op, x, index);
  const source = toArray(op, value);
  const sourceStrides = broadcastStrides(op, source.shape, view.shape, "value", "region");
  const dstRows = rowStarts(view.shape, view.strides, view.offset);
  const srcRows = rowStarts(view.shape, sourceStrides, 0);
  const [n, dstStep] = innermost(view.shape, view.strides);
  const [, srcStep] = innermost(view.shape, sourceStrides);
  const dst = x.data;
  const src = source.data;
  for (let r = 0; r < dstRows.length; r++) {
    let a = dstRows[r]!;
    let b = srcRows[r]!;
    if (accumulate) for (let j = 0; j < n; j++, a += dstStep, b += srcStep) dst[a] = dst[a]! + src[b]!;
    else for (let j = 0; j < n; j++, a += dstStep, b += srcStep) dst[a] = src[b]!;
  }
}

interface View { shape: number[]; strides: number[]; offset: number }

function resolve(op: string, x: NDArray, index: readonly Index[]): View {
  if (!isArray(index)) throw new Error(`${op}: index must be an array, got ${describe(index)}`);
  if (index.length > x.ndim) {
    throw new Error(`${op}: too many indices (${index.length}) for an array of shape ${fmtShape(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const view: View = { shape: [], strides: [], offset: 0 };
  for (let axis = 0; axis < x.ndim; axis++) {
    const entry: unknown = index[axis];
    const size = x.shape[axis]!;
    if (entry === null || entry === undefined) {
      view.shape.push(size);
      view.strides.push(strides[axis]!);
    } else if (typeof entry === "number") {
      view.offset += position(op, entry, axis, size) * strides[axis]!;
    } else if (isArray(entry) && entry.length === 2 && isInteger(entry[0]) && isInteger(entry[1])) {
      const start: number = entry[0] < 0 ? entry[0] + size : entry[0];
      const end: number = entry[1] < 0 ? entry[1] + size : entry[1];
      if (start < 0 || end > size || start > end) {
        throw new Error(`${op}: range [${entry[0]}, ${entry[1]}] out of range for axis ${axis} of size ${size}`);
      }
      view.offset += start * strides[axis]!;
      view.shape.push(end - start);
      view.strides.push(strides[axis]!);
    } else {
      throw new Error(`${op}: index for axis ${axis} must be an integer, an integer [start, end] pair or null, got ${describe(entry)}`);
    }
  }
  return view;
}

function position(op: string, index: unknown, axis: number, size: number): number {
  if (typeof index !== "number" || !isInteger(index)) {
    throw new Error(`${op}: index for axis ${axis} must be an integer, got ${describe(index)}`);
  }
  if (index < -size || index >= size) throw new Error(`${op}: index ${index} out of range for axis ${axis} of size ${size}`);
  return index < 0 ? index + size : index;
}

/** Where each innermost row of a strided walk over `shape` starts, in row-major order. */
function rowStarts(shape: readonly number[], strides: readonly number[], offset: number): number[] {
  const outer = shape.length - 1;
  let count = 1;
  for (let axis = 0; axis < outer; axis++) count *= shape[axis]!;
  const rows = new Array<number>(count);
  const counter = new Array<number>(Math.max(outer, 0)).fill(0);
  for (let r = 0, at = offset; r < count; r++) {
    rows[r] = at;
    for (let axis = outer - 1; axis >= 0; axis--) {
      at += strides[axis]!;
      if (++counter[axis]! < shape[axis]!) break;
      at -= strides[axis]! * shape[axis]!;
      counter[axis] = 0;
    }
  }
  return rows;
}

/** Length and stride of the innermost rows; a 0-d walk is one row of one element. */
function innermost(shape: readonly number[], strides: readonly number[]): [length: number, stride: number] {
  return shape.length === 0 ? [1, 0] : [shape[shape.length - 1]!, strides[strides.length - 1]!];
}

function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const ndim = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let k = 0; k < ndim; k++) {
    const da = a[a.length - ndim + k] ?? 1;
    const db = b[b.length - ndim + k] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${op}: cannot broadcast ${fmtShape(a)} with ${fmtShape(b)}`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides that read `from` as if it had shape `to` (0 along broadcast axes); numpy drops leading 1s of `from`. */
function broadcastStrides(op: string, from: readonly number[], to: readonly number[], fromName: string, toName: string): number[] {
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

function inferShape(op: string, dims: readonly number[], size: number): number[] {
  const unknown = isArray(dims) ? dims.filter((d) => d === -1).length : 0;
  const known = checkShape(op, unknown === 1 ? dims.map((d) => (d === -1 ? 1 : d)) : dims);
  const rest = sizeOf(known);
  const shape = unknown === 1 && rest > 0 && size % rest === 0 ? dims.map((d) => (d === -1 ? size / rest : d)) : known;
  if (sizeOf(shape) !== size) throw new Error(`${op}: cannot reshape array of size ${size} into shape ${fmtShape(dims)}`);
  return shape;
}

function checkShape(op: string, shape: unknown): number[] {
  if (!isArray(shape)) throw new Error(`${op}: shape must be an array of non-negative integers, got ${describe(shape)}`);
  for (let axis = 0; axis < shape.length; axis++) {
    const d: unknown = shape[axis];
    if (typeof d !== "number" || !isInteger(d) || d < 0) {
      throw new Error(`${op}: shape ${describe(shape)} has invalid dimension ${describe(d)} at axis ${axis}`);
    }
  }
  return shape.slice();
}

function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let k = shape.length - 1, acc = 1; k >= 0; acc *= shape[k]!, k--) strides[k] = acc;
  return strides;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (let k = 0; k < shape.length; k++) n *= shape[k]!;
  return n;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

const fmtShape = (shape: readonly number[]): string =>
  shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(",")})`;

function describe(x: unknown): string {
  if (x instanceof NDArray) return `an NDArray of shape ${fmtShape(x.shape)}`;
  if (typeof x === "string") return JSON.stringify(x.length > 40 ? `${x.slice(0, 40)}...` : x);
  if (typeof x === "number" || typeof x === "boolean" || x === null || x === undefined) return String(x);
  if (isArray(x)) return x.length > 8 ? `an array of length ${x.length}` : `[${x.map(describe).join(", ")}]`;
  return `a value of type ${typeof x === "object" ? (Object.getPrototypeOf(x)?.constructor?.name ?? "object") : typeof x}`;
}

// numpy's print defaults: precision 8, line width 75, summarised with 3 edge items above 1000 elements.
const LINE_WIDTH = 75;
const EDGE_ITEMS = 3;

/** A port of numpy's _formatArray (numpy >= 1.14 layout), so printed values read like the worksheet's. */
function formatArray(x: NDArray): string {
  const strides = stridesOf(x.shape);
  const summarize = x.size > 1000;
  const picks = (len: number): number[] => {
    const all = Array.from({ length: len }, (_, i) => i);
    return summarize && len > 2 * EDGE_ITEMS ? [...all.slice(0, EDGE_ITEMS), -1, ...all.slice(len - EDGE_ITEMS)] : all;
  };
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === x.ndim) shown.push(x.data[offset]!);
    else for (const i of picks(x.shape[axis]!)) if (i >= 0) collect(axis + 1, offset + i * strides[axis]!);
  };
  if (x.size === 0) return "[]";
  collect(0, 0);
  const format = numberFormatter(shown);
  const recurse = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === x.ndim) return format(x.data[offset]!);
    const words = picks(x.shape[axis]!).map((i) =>
      i < 0 ? "..." : recurse(axis + 1, offset + i * strides[axis]!, hanging + " ", width - 1),
    );
    let text = "";
    if (axis === x.ndim - 1) {
      let line = hanging;
      words.forEach((word, k) => {
        if (line.length + word.length > width - 1 && line.length > hanging.length) {
          text += line.trimEnd() + "\n";
          line = hanging;
        }
        line += k < words.length - 1 ? word + " " : word;
      });
      text += line;
    } else {
      text = words.map((word) => hanging + word).join("\n".repeat(x.ndim - axis - 1));
    }
    return "[" + text.slice(hanging.length) + "]";
  };
  return recurse(0, 0, " ", LINE_WIDTH);
}

function numberFormatter(values: readonly number[]): (v: number) => string {
  const magnitudes = values.filter((v) => Number.isFinite(v) && v !== 0).map(Math.abs);
  const largest = magnitudes.reduce((a, b) => (a > b ? a : b), 0);
  const smallest = magnitudes.reduce((a, b) => (a < b ? a : b), Infinity);
  const scientific = magnitudes.length > 0 && (largest >= 1e8 || smallest < 1e-4 || largest / smallest > 1e3);
  const trimZeros = (s: string): string => s.replace(/0+$/, "");
  const sign = (v: number): string => (v < 0 || Object.is(v, -0) ? "-" : "");
  const finite = values.filter(Number.isFinite);
  let body: (v: number) => [whole: string, rest: string];
  if (scientific) {
    const digits = Math.max(0, ...finite.map((v) => trimZeros(Math.abs(v).toExponential(8).split("e")[0]!).split(".")[1]!.length));
    body = (v) => {
      const [mantissa, exponent] = Math.abs(v).toExponential(digits).split("e") as [string, string];
      const [whole, fraction = ""] = mantissa.split(".");
      return [sign(v) + whole, `${fraction}e${exponent[0]}${exponent.slice(1).padStart(2, "0")}`];
    };
  } else {
    body = (v) => {
      const [whole, fraction] = Math.abs(v).toFixed(8).split(".") as [string, string];
      return [sign(v) + whole, trimZeros(fraction)];
    };
  }
  const parts = finite.map(body);
  const left = Math.max(0, ...parts.map(([whole]) => whole.length));
  const right = Math.max(0, ...parts.map(([, rest]) => rest.length));
  const width = Math.max(left + 1 + right, ...values.filter((v) => !Number.isFinite(v)).map((v) => nonFinite(v).length));
  return (v) => {
    if (!Number.isFinite(v)) return nonFinite(v).padStart(width);
    const [whole, rest] = body(v);
    return `${whole.padStart(left)}.${rest.padEnd(right)}`.padStart(width);
  };
}

const nonFinite = (v: number): string => (v !== v ? "nan" : v > 0 ? "inf" : "-inf");

import type { Value } from "../exercises/types.ts";

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export type Comparison = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** A validated tensor: shape entries are safe non-negative integers whose product is data.length. */
export interface CheckedTensor {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

type Checked<T> = { ok: true; value: T } | { ok: false; reason: string };

const OK: Comparison = { ok: true };

export function isTensorLike(v: unknown): v is { shape: unknown; data: unknown } {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "shape" in v && "data" in v;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

export function formatIndex(flat: number, shape: readonly number[]): string {
  const index = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    const size = shape[axis] ?? 1;
    index[axis] = rest % size;
    rest = Math.floor(rest / size);
  }
  return `[${index.join(", ")}]`;
}

export function formatNumber(x: number): string {
  if (!Number.isFinite(x) || Number.isInteger(x)) return String(x);
  return String(Number(x.toPrecision(8)));
}

/**
 * Student outputs are untrusted even after the sandbox converted them: check the claimed shape
 * against the data before any loop trusts it.
 */
export function checkTensor(v: { shape: unknown; data: unknown }): Checked<CheckedTensor> {
  const { shape, data } = v;
  if (!Array.isArray(shape)) return { ok: false, reason: "its shape is not an array" };
  let size = 1;
  for (const [axis, dim] of shape.entries()) {
    if (typeof dim !== "number" || !Number.isSafeInteger(dim) || dim < 0) {
      return { ok: false, reason: `shape[${axis}] is ${describe(dim)}, not a non-negative integer` };
    }
    size *= dim;
    if (!Number.isSafeInteger(size)) return { ok: false, reason: `shape ${formatShape(shape)} is too large` };
  }
  const values = toFloat64(data);
  if (!values.ok) return values;
  if (values.value.length !== size) {
    return { ok: false, reason: `shape ${formatShape(shape)} needs ${size} values but data holds ${values.value.length}` };
  }
  return { ok: true, value: { shape: shape as number[], data: values.value } };
}

function toFloat64(data: unknown): Checked<Float64Array> {
  if (data instanceof Float64Array) return { ok: true, value: data };
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    return { ok: false, reason: "its data holds bigints, not numbers" };
  }
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) {
    return { ok: true, value: Float64Array.from(data as unknown as ArrayLike<number>) };
  }
  if (!Array.isArray(data)) return { ok: false, reason: `its data is ${describe(data)}, not an array of numbers` };
  const out = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const x: unknown = data[i];
    if (typeof x === "number") out[i] = x;
    else if (typeof x === "boolean") out[i] = x ? 1 : 0;
    else return { ok: false, reason: `data[${i}] is ${describe(x)}, not a number` };
  }
  return { ok: true, value: out };
}

/** Nested arrays of numbers/booleans as a tensor (shape inferred); undefined when not rectangular numeric. */
function nestedToTensor(v: readonly unknown[]): CheckedTensor | undefined {
  const shape: number[] = [];
  let level: unknown = v;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const flat: unknown[] = (v as unknown[]).flat(shape.length);
  const expectedSize = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== expectedSize) return undefined;
  const values = toFloat64(flat);
  if (!values.ok) return undefined;
  // flat() hides raggedness that happens to preserve the count; check every row's length.
  const rectangular = (node: unknown, depth: number): boolean =>
    depth === shape.length ? !Array.isArray(node) : Array.isArray(node) && node.length === shape[depth] && node.every((c) => rectangular(c, depth + 1));
  return rectangular(v, 0) ? { shape, data: values.value } : undefined;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (isTensorLike(v)) return "a tensor";
  switch (typeof v) {
    case "number":
      return `the number ${formatNumber(v)}`;
    case "string":
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
    case "boolean":
      return `the boolean ${v}`;
    case "object":
      return "an object";
    default:
      return typeof v;
  }
}

function describeShapeOf(v: unknown): string {
  if (isTensorLike(v) && Array.isArray(v.shape)) return formatShape(v.shape as number[]);
  return describe(v);
}

function within(got: number, want: number, tol: Tolerance): boolean {
  if (got === want) return true;
  if (Number.isNaN(want)) return Number.isNaN(got);
  return Math.abs(got - want) <= tol.atol + tol.rtol * Math.abs(want);
}

function asScalar(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (isTensorLike(v)) {
    const t = checkTensor(v);
    if (t.ok && t.value.data.length === 1) return t.value.data[0];
  }
  if (Array.isArray(v)) {
    const t = nestedToTensor(v);
    if (t && t.data.length === 1) return t.data[0];
  }
  return undefined;
}

function compareScalar(got: unknown, want: number, tol: Tolerance): Comparison {
  const g = asScalar(got);
  if (g === undefined) return { ok: false, reason: `expected a number, got ${describeShapeOf(got)}` };
  if (Number.isNaN(g) && !Number.isNaN(want)) return { ok: false, reason: `got NaN, expected ${formatNumber(want)}` };
  if (within(g, want, tol)) return OK;
  return { ok: false, reason: `expected ${formatNumber(want)}, got ${formatNumber(g)} (error ${formatNumber(Math.abs(g - want))})` };
}

export function compareTensors(got: CheckedTensor, want: CheckedTensor, tol: Tolerance): Comparison {
  const sameShape = got.shape.length === want.shape.length && got.shape.every((d, i) => d === want.shape[i]);
  if (!sameShape) return { ok: false, reason: `expected shape ${formatShape(want.shape)}, got ${formatShape(got.shape)}` };
  let bad = 0;
  let nans = 0;
  let firstBad = -1;
  let maxError = 0;
  let maxErrorAt = -1;
  for (let i = 0; i < want.data.length; i++) {
    const g = got.data[i] as number;
    const w = want.data[i] as number;
    if (within(g, w, tol)) continue;
    bad++;
    if (firstBad < 0) firstBad = i;
    if (Number.isNaN(g)) {
      nans++;
      continue;
    }
    const error = Math.abs(g - w);
    if (!(error <= maxError)) {
      maxError = error;
      maxErrorAt = i;
    }
  }
  if (bad === 0) return OK;
  const at = formatIndex(firstBad, want.shape);
  const parts = [
    `${bad} of ${want.data.length} values differ`,
    `first at ${at}: expected ${formatNumber(want.data[firstBad] as number)}, got ${formatNumber(got.data[firstBad] as number)}`,
  ];
  if (maxErrorAt >= 0) parts.push(`max error ${formatNumber(maxError)} at ${formatIndex(maxErrorAt, want.shape)}`);
  if (nans > 0) parts.push(`${nans} NaN value${nans === 1 ? "" : "s"}`);
  return { ok: false, reason: parts.join("; ") };
}

function compareTensor(got: unknown, want: { shape: unknown; data: unknown }, tol: Tolerance): Comparison {
  const w = checkTensor(want);
  if (!w.ok) throw new Error(`expected value is not a valid tensor: ${w.reason}`);
  let g: CheckedTensor;
  if (isTensorLike(got)) {
    const checked = checkTensor(got);
    if (!checked.ok) return { ok: false, reason: `the returned tensor is malformed: ${checked.reason}` };
    g = checked.value;
  } else if (Array.isArray(got)) {
    const nested = nestedToTensor(got);
    if (!nested) return { ok: false, reason: `expected a tensor of shape ${formatShape(w.value.shape)}, got ${describe(got)} that is not a rectangular array of numbers` };
    g = nested;
  } else if ((typeof got === "number" || typeof got === "boolean") && w.value.data.length === 1) {
    g = { shape: w.value.shape, data: Float64Array.of(Number(got)) };
  } else {
    return { ok: false, reason: `expected a tensor of shape ${formatShape(w.value.shape)}, got ${describe(got)}` };
  }
  return compareTensors(g, w.value, tol);
}

function prefix(where: string, c: Comparison): Comparison {
  return c.ok ? c : { ok: false, reason: `${where}: ${c.reason}` };
}

/**
 * Compares what the student returned with the expected value under `|got - want| <= atol + rtol * |want|`.
 * `want` comes from the reference and is trusted; `got` is not.
 */
export function compareValues(got: unknown, want: Value, tol: Tolerance): Comparison {
  if (typeof want === "number") return compareScalar(got, want, tol);
  if (typeof want === "boolean") return compareScalar(got, want ? 1 : 0, tol);
  if (typeof want === "string" || want === null) {
    return got === want ? OK : { ok: false, reason: `expected ${describe(want)}, got ${describe(got)}` };
  }
  if (isTensorLike(want)) return compareTensor(got, want, tol);
  if (Array.isArray(want)) {
    if (!Array.isArray(got)) return { ok: false, reason: `expected a tuple of ${want.length} values, got ${describe(got)}` };
    if (got.length !== want.length) return { ok: false, reason: `expected a tuple of ${want.length} values, got ${got.length}` };
    for (let i = 0; i < want.length; i++) {
      const c = prefix(`[${i}]`, compareValues(got[i], want[i] as Value, tol));
      if (!c.ok) return c;
    }
    return OK;
  }
  if (typeof got !== "object" || got === null || Array.isArray(got)) {
    return { ok: false, reason: `expected an object, got ${describe(got)}` };
  }
  for (const [key, w] of Object.entries(want as Record<string, Value>)) {
    if (!Object.hasOwn(got, key)) return { ok: false, reason: `missing key ${JSON.stringify(key)}` };
    const c = prefix(`.${key}`, compareValues((got as Record<string, unknown>)[key], w, tol));
    if (!c.ok) return c;
  }
  return OK;
}

/**
 * compareValues(...).ok, stopping at the first value out of tolerance and building no message: what
 * diagnosis asks many times per wrong case, where most comparisons fail at once.
 */
export function valuesMatch(got: unknown, want: Value, tol: Tolerance): boolean {
  if (isTensorLike(want) && isTensorLike(got)) {
    const g = checkTensor(got);
    const w = checkTensor(want);
    if (!g.ok || !w.ok) return false;
    const a = g.value;
    const b = w.value;
    if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i])) return false;
    for (let i = 0; i < b.data.length; i++) if (!within(a.data[i] as number, b.data[i] as number, tol)) return false;
    return true;
  }
  if (Array.isArray(want) && Array.isArray(got)) {
    return got.length === want.length && want.every((w, i) => valuesMatch(got[i], w as Value, tol));
  }
  return compareValues(got, want, tol).ok;
}

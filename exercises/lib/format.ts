import type { Tensor } from "../../reference/index.ts";
import { sizeOfShape } from "./values.ts";

/**
 * numpy-style printing, close enough that a student can set our printouts beside the worksheet's
 * (`print(np.mean(Z))`, `print(A[1, 1])`). numpy's defaults: 8 fractional digits trimmed to the shortest
 * unique form, scientific notation for tiny or widely spread magnitudes, 75-column lines.
 */

const LINE_WIDTH = 75;
const PRECISION = 8;

export type ArrayFormatOptions = {
  /** Summarise (first and last `edgeItems` per axis) when the array has more elements than this. */
  readonly threshold: number;
  readonly edgeItems: number;
};

// Tighter than numpy's 1000/3: printouts must stay a few lines long.
const PRINTOUT_OPTIONS: ArrayFormatOptions = { threshold: 64, edgeItems: 2 };

function withExponentDigits(text: string, minDigits: number): string {
  const [mantissa, exponent = "0"] = text.split("e");
  const sign = exponent.startsWith("-") ? "-" : "+";
  const digits = exponent.replace(/^[+-]/, "").padStart(minDigits, "0");
  return `${mantissa}e${sign}${digits}`;
}

function nonFinite(x: number): string {
  return Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** numpy's repr of one float64, as `print(np.float64(x))` shows it: 2.0, 0.5, 1e-05, nan. */
export function formatScalar(x: number): string {
  if (!Number.isFinite(x)) return nonFinite(x);
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const magnitude = Math.abs(x);
  if (magnitude < 1e-4 || magnitude >= 1e16) {
    // Shortest round-trip digits, in numpy's exponent style (at least two exponent digits, "1e-05").
    return withExponentDigits(x.toExponential().replace(/\.?0*e/, "e"), 2);
  }
  const text = String(x);
  return text.includes(".") || text.includes("e") ? text : `${text}.0`;
}

function signed(x: number, text: string): string {
  return Object.is(x, -0) ? `-${text}` : text;
}

/** Formats values so they line up in columns, the way numpy's FloatingFormat does. */
function elementFormatter(values: readonly number[]): (x: number) => string {
  const finite = values.filter((x) => Number.isFinite(x));
  const magnitudes = finite.map(Math.abs).filter((x) => x !== 0);
  const maxMagnitude = magnitudes.length > 0 ? Math.max(...magnitudes) : 0;
  const minMagnitude = magnitudes.length > 0 ? Math.min(...magnitudes) : 0;
  const scientific =
    magnitudes.length > 0 && (maxMagnitude >= 1e8 || minMagnitude < 1e-4 || maxMagnitude / minMagnitude > 1e3);

  let formatFinite: (x: number) => string;
  if (scientific) {
    const shortest = finite.map((x) => x.toExponential().replace(/\.?0*e/, "e"));
    const fractionDigits = Math.min(PRECISION, Math.max(0, ...shortest.map((s) => (s.split("e")[0]!.split(".")[1] ?? "").length)));
    const exponentDigits = Math.max(2, ...shortest.map((s) => s.split("e")[1]!.replace(/^[+-]/, "").length));
    const intWidth = Math.max(0, ...finite.map((x) => (x < 0 || Object.is(x, -0) ? 2 : 1)));
    formatFinite = (x) => {
      const text = withExponentDigits(signed(x, x.toExponential(fractionDigits)), exponentDigits);
      const [mantissa = "", exponent = ""] = text.split("e");
      const [intPart = "", fracPart] = mantissa.split(".");
      return `${intPart.padStart(intWidth)}.${fracPart ?? ""}e${exponent}`;
    };
  } else {
    const parts = (x: number): [string, string] => {
      const [intPart = "", fracPart = ""] = signed(x, x.toFixed(PRECISION)).split(".");
      return [intPart, fracPart.replace(/0+$/, "")];
    };
    const split = finite.map(parts);
    const intWidth = Math.max(0, ...split.map(([i]) => i.length));
    const fracWidth = Math.max(0, ...split.map(([, f]) => f.length));
    formatFinite = (x) => {
      const [intPart, fracPart] = parts(x);
      return `${intPart.padStart(intWidth)}.${fracPart.padEnd(fracWidth)}`;
    };
  }
  const width = Math.max(0, ...finite.map((x) => formatFinite(x).length));
  return (x) => (Number.isFinite(x) ? formatFinite(x) : nonFinite(x).padStart(width));
}

/**
 * The indices shown along each axis, -1 standing for "...". numpy summarises only axes longer than
 * twice the edge items, so a student's answer of many short axes ((4,)x10) would print every one of
 * its elements; past (2 x edgeItems)^4 shown elements the edges shrink, then outer axes show their
 * first item only, so a printout stays a few lines whatever the shape.
 */
function shownPlan(shape: readonly number[], size: number, options: ArrayFormatOptions): number[][] {
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const withEdges = (edge: number) => shape.map((n) => (n > 2 * edge ? [...range(0, edge), -1, ...range(n - edge, n)] : range(0, n)));
  if (size <= options.threshold) return withEdges(Infinity);
  const count = (plan: number[][]) => plan.reduce((n, picks) => n * picks.filter((i) => i >= 0).length, 1);
  const maxShown = (2 * options.edgeItems) ** 4;
  let plan = withEdges(options.edgeItems);
  for (let edge = options.edgeItems - 1; edge >= 1 && count(plan) > maxShown; edge--) plan = withEdges(edge);
  for (let axis = 0; axis < shape.length && count(plan) > maxShown; axis++) if (shape[axis]! > 1) plan[axis] = [0, -1];
  return plan;
}

/** numpy's `str(array)`, e.g. `[[0.5 0.5]\n [0.5 0.5]]`. */
export function formatArray(t: Tensor, options: ArrayFormatOptions = PRINTOUT_OPTIONS): string {
  const { shape, data } = t;
  if (shape.length === 0) return data.length === 1 ? formatScalar(data[0]!) : "[]";
  if (data.length === 0) return "[]";
  const plan = shownPlan(shape, data.length, options);
  const strides = shape.map((_, axis) => sizeOfShape(shape.slice(axis + 1)));

  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    for (const i of plan[axis]!) {
      if (i < 0) continue;
      const at = offset + i * strides[axis]!;
      if (axis === shape.length - 1) shown.push(data[at]!);
      else collect(axis + 1, at);
    }
  };
  collect(0, 0);
  const formatElement = elementFormatter(shown);

  const render = (axis: number, offset: number): string => {
    const indent = " ".repeat(axis + 1);
    const indices = plan[axis]!;
    if (axis === shape.length - 1) {
      // `line` excludes the `axis` characters before it (outer brackets or indent), hence `axis +`.
      const lines: string[] = [];
      let line = "[";
      for (const i of indices) {
        const word = i < 0 ? "..." : formatElement(data[offset + i * strides[axis]!]!);
        if (line !== "[" && axis + line.length + 1 + word.length + 1 > LINE_WIDTH) {
          lines.push(line);
          line = ` ${word}`;
        } else {
          line = line === "[" ? line + word : `${line} ${word}`;
        }
      }
      lines.push(`${line}]`);
      return lines.join(`\n${" ".repeat(axis)}`);
    }
    const blocks = indices.map((i) => (i < 0 ? "..." : render(axis + 1, offset + i * strides[axis]!)));
    const separator = "\n".repeat(shape.length - axis - 1) + indent;
    return `[${blocks.join(separator)}]`;
  };
  return render(0, 0);
}

/** `t[i, j, ...]` over leading axes, or undefined when the index does not exist for this shape. */
export function subTensor(t: Tensor, index: readonly number[]): Tensor | undefined {
  if (index.length > t.shape.length) return undefined;
  let offset = 0;
  for (let axis = 0; axis < index.length; axis++) {
    const i = index[axis]!;
    const dim = t.shape[axis]!;
    if (!Number.isInteger(i) || i < 0 || i >= dim) return undefined;
    offset = offset * dim + i;
  }
  const rest = t.shape.slice(index.length);
  const size = sizeOfShape(rest);
  return { shape: rest, data: t.data.subarray(offset * size, offset * size + size) };
}

export function meanOf(t: Tensor): number {
  let sum = 0;
  for (const x of t.data) sum += x;
  return sum / t.data.length;
}

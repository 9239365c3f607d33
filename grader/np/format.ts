// Printing like numpy.
import { stridesOf, type Tensor } from "./shape.ts";

// numpy's print defaults: precision 8, line width 75, summarised with 3 edge items above 1000 elements.
const LINE_WIDTH = 75;
const EDGE_ITEMS = 3;
const THRESHOLD = 1000;
/**
 * numpy summarises only axes longer than 2 x 3, so it prints every element of (4,)x8 (65,536 of
 * them). Past this many shown elements the edge items shrink: numpy's own layout for any array up
 * to four dimensions (at most 6^4 elements shown), a bounded one for many small axes.
 */
const MAX_SHOWN = (2 * EDGE_ITEMS) ** 4;

/** The indices printed along each axis, -1 standing for "...". */
export function shownIndices(shape: readonly number[]): number[][] {
  const size = shape.reduce((a, b) => a * b, 1);
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const withEdges = (edge: number) => shape.map((len) => (len > 2 * edge ? [...range(0, edge), -1, ...range(len - edge, len)] : range(0, len)));
  const count = (plan: number[][]) => plan.reduce((n, picks) => n * picks.filter((i) => i >= 0).length, 1);
  if (size <= THRESHOLD) return withEdges(Infinity);
  let plan = withEdges(EDGE_ITEMS);
  for (let edge = EDGE_ITEMS - 1; edge >= 1 && count(plan) > MAX_SHOWN; edge--) plan = withEdges(edge);
  // Axes of length 2 still show both items at one edge item: from the outermost in, show the first only.
  for (let axis = 0; axis < shape.length && count(plan) > MAX_SHOWN; axis++) {
    if (shape[axis]! > 1) plan[axis] = [0, -1];
  }
  return plan;
}

/** A port of numpy's _formatArray (numpy >= 1.14 layout), so printed values read like the worksheet's. */
export function formatArray(x: Tensor): string {
  const strides = stridesOf(x.shape);
  const plan = shownIndices(x.shape);
  const shown: number[] = [];
  const collect = (axis: number, offset: number): void => {
    if (axis === x.ndim) shown.push(x.data[offset]!);
    else for (const i of plan[axis]!) if (i >= 0) collect(axis + 1, offset + i * strides[axis]!);
  };
  if (x.size === 0) return "[]";
  collect(0, 0);
  const format = numberFormatter(shown);
  const recurse = (axis: number, offset: number, hanging: string, width: number): string => {
    if (axis === x.ndim) return format(x.data[offset]!);
    const words = plan[axis]!.map((i) =>
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

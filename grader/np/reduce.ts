// Reductions, shared by the NDArray methods and the public functions of math.ts.
import { toTensor } from "./tensor.ts";

export function sumOf(x: unknown): number {
  const d = toTensor("sum", x).data;
  let total = 0;
  for (let i = 0; i < d.length; i++) total += d[i]!;
  return total;
}
export function meanOf(x: unknown): number {
  const input = toTensor("mean", x);
  return input.size === 0 ? NaN : sumOf(input) / input.size;
}
export function maxOf(x: unknown): number {
  const d = nonEmpty("max", x);
  let best = d[0]!;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) return NaN;
    if (v > best) best = v;
  }
  return best;
}
export function minOf(x: unknown): number {
  const d = nonEmpty("min", x);
  let best = d[0]!;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== v) return NaN;
    if (v < best) best = v;
  }
  return best;
}

// max and min keep a loop each (NaN if any entry is NaN, as in numpy): a shared loop calling a
// comparison could not inline it.
function nonEmpty(op: string, x: unknown): Float64Array {
  const d = toTensor(op, x).data;
  if (d.length === 0) throw new Error(`${op}: zero-size array has no ${op}imum`);
  return d;
}

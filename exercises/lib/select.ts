import type { Tensor } from "../../reference/index.ts";
import type { GradedSelection, Value } from "../types.ts";
import { formatArray, formatScalar, meanOf, subTensor } from "./format.ts";
import { asTensor, describeValue, formatShape } from "./values.ts";

export function selectTensor(output: Value, name: string): GradedSelection {
  const tensor = asTensor(output);
  if (tensor) return { ok: true, value: tensor };
  return { ok: false, reason: `expected ${name} as a tensor, got ${describeValue(output)}` };
}

/** numpy reductions return a scalar; a one-element tensor is accepted as that scalar. */
export function selectNumber(output: Value, name: string): GradedSelection {
  if (typeof output === "number") return { ok: true, value: output };
  const tensor = asTensor(output);
  if (tensor && tensor.data.length === 1) return { ok: true, value: tensor.data[0]! };
  return { ok: false, reason: `expected ${name} as a number, got ${describeValue(output)}` };
}

/**
 * Picks tensors out of a returned tuple, e.g. Z from `[Z, cache]`. `graded` lists the positions
 * returned (one position: that tensor alone; several: an array of them).
 */
export function selectFromTuple(output: Value, names: readonly string[], graded: readonly number[]): GradedSelection {
  const expected = `[${names.join(", ")}]`;
  if (!Array.isArray(output) || output.length !== names.length) {
    return { ok: false, reason: `expected ${expected}, got ${describeValue(output)}` };
  }
  const tuple = output as readonly Value[];
  const picked: Tensor[] = [];
  for (const position of graded) {
    const item = asTensor(tuple[position]);
    if (!item) {
      return {
        ok: false,
        reason: `expected ${expected} with ${names[position]} a tensor, got ${names[position]} = ${describeValue(tuple[position])}`,
      };
    }
    picked.push(item);
  }
  return { ok: true, value: picked.length === 1 ? picked[0]! : picked };
}

/** `label = <what it is>` when the value is not the tensor a printout expects. */
export function printNotTensor(label: string, value: Value): string {
  return `${label}: expected a tensor, got ${describeValue(value)}`;
}

export function printShape(label: string, t: Tensor): string {
  return `${label}.shape = ${formatShape(t.shape)}`;
}

export function printMean(label: string, t: Tensor): string {
  return `${label} = ${t.data.length === 0 ? "nan (empty)" : formatScalar(meanOf(t))}`;
}

/** `label[1,1] =` and the slice on the lines below; says so when that index does not exist. */
export function printSlice(label: string, t: Tensor, index: readonly number[], spaced = false): string {
  const indexText = index.join(spaced ? ", " : ",");
  const slice = subTensor(t, index);
  if (slice === undefined) return `${label}[${indexText}]: no such index for shape ${formatShape(t.shape)}`;
  return `${label}[${indexText}] =\n${formatArray(slice)}`;
}

export function printWhole(label: string, t: Tensor): string {
  return `${label} =\n${formatArray(t)}`;
}

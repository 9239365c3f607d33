import { create_mask_from_window, type Tensor } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { coverTags, DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, dims, negativeOf, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { printNotTensor, printShape, printWhole, selectTensor } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { isTensor, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

type Variant = "randn" | "negative" | "ties" | "constant";

function maskCase(shape: readonly number[], variant: Variant, seed: number, visible = false): CaseRecipe {
  const name = `x=${dims(shape)}${variant === "randn" ? "" : ` ${variant}`}`;
  return seededCase(name, seed, visible, (rng): Value[] => {
    const x = rng.randn(...shape);
    const drawn: Record<Variant, () => Tensor> = {
      randn: () => x,
      negative: () => negativeOf(x),
      // Small integers repeat, so the maximum appears more than once.
      ties: () => ({ shape: x.shape, data: x.data.map(() => rng.randint(-2, 3)) }),
      constant: () => ({ shape: x.shape, data: x.data.map(() => x.data[0]!) }),
    };
    return [drawn[variant]()];
  }, { covers: coverTags([[variant, true], ["one element", shape.length === 1 && shape[0] === 1], [`rank ${shape.length}`, true]]) });
}

export const exercise: Exercise = {
  id: "create_mask_from_window",
  title: "Mask of a window's maximum",
  points: 10,
  ...readExerciseFiles(import.meta.url),
  signature: "export function create_mask_from_window(x: NDArray): NDArray;",
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  cases: [
    maskCase([2, 2, 2], "randn", WORKSHEET_SEED, true),
    maskCase([3, 3], "randn", 601),
    maskCase([2, 3], "randn", 602),
    maskCase([1], "randn", 603),
    maskCase([4, 4], "negative", 604),
    maskCase([3, 3, 2], "ties", 605),
    maskCase([2, 2], "constant", 606),
    maskCase([5, 5, 4], "randn", 607),
  ],
  expected(args) {
    return [{ value: create_mask_from_window(tensorArg(args, 0, "x")) }];
  },
  select: (output) => selectTensor(output, "mask"),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("mask", value);
    return `${printShape("mask", value)}\n${printWhole("mask", value)}`;
  },
};

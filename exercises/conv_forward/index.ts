import { conv_forward } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { convCaseExtra, convCaseName, drawConvInputs, HIDDEN_CONV, WORKSHEET_CONV, type ConvCaseSpec } from "../lib/conv_cases.ts";
import { printMean, printNotTensor, printShape, printSlice, selectFromTuple } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { integerFields, isTensor, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

function forwardCase(spec: ConvCaseSpec, seed: number, visible = false): CaseRecipe {
  return seededCase(convCaseName(spec), seed, visible, (rng): Value[] => {
    const { A_prev, W, b, hparameters } = drawConvInputs(rng, spec);
    return [A_prev, W, b, hparameters];
  }, visible ? {} : convCaseExtra(spec));
}

const HP = "{ stride: number; pad: number }";

export const exercise: Exercise = {
  id: "conv_forward",
  title: "Convolution forward pass",
  points: 20,
  ...readExerciseFiles(import.meta.url),
  signature: `export function conv_forward(A_prev: NDArray, W: NDArray, b: NDArray, hparameters: ${HP}): [NDArray, [NDArray, NDArray, NDArray, ${HP}]];`,
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  uses: ["zero_pad", "convolve_window"],
  cases: [forwardCase(WORKSHEET_CONV, WORKSHEET_SEED, true), ...HIDDEN_CONV.map((spec, i) => forwardCase(spec, 301 + i))],
  expected(args) {
    const [Z] = conv_forward(
      tensorArg(args, 0, "A_prev"),
      tensorArg(args, 1, "W"),
      tensorArg(args, 2, "b"),
      integerFields(args, 3, "hparameters", ["stride", "pad"]),
    );
    return [{ value: Z }];
  },
  select: (output) => selectFromTuple(output, ["Z", "cache"], [0]),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("Z", value);
    return [printShape("Z", value), printMean("Z's mean", value), printSlice("Z", value, [3, 2, 1])].join("\n");
  },
};

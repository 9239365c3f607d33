import { conv_backward, conv_forward, type RandomState } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import {
  convCaseExtra,
  convCaseName,
  convOutputShape,
  drawConvInputs,
  HIDDEN_CONV,
  WORKSHEET_CONV,
  type ConvCaseSpec,
} from "../lib/conv_cases.ts";
import { printMean, printNotTensor, selectFromTuple } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { arrayArg, describeValue, integerFields, isTensor, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

/** The worksheet feeds conv_forward's own Z and cache back in as dZ and cache. */
function worksheetCase(): CaseRecipe {
  return seededCase(`dZ=Z ${convCaseName(WORKSHEET_CONV)}`, WORKSHEET_SEED, true, (rng): Value[] => {
    const { A_prev, W, b, hparameters } = drawConvInputs(rng, WORKSHEET_CONV);
    const [Z] = conv_forward(A_prev, W, b, hparameters);
    return [Z, [A_prev, W, b, hparameters]];
  });
}

function backwardCase(spec: ConvCaseSpec, seed: number): CaseRecipe {
  return seededCase(convCaseName(spec), seed, false, (rng: RandomState): Value[] => {
    const { A_prev, W, b, hparameters } = drawConvInputs(rng, spec);
    const dZ = rng.randn(...convOutputShape(spec));
    return [dZ, [A_prev, W, b, hparameters]];
  }, convCaseExtra(spec));
}

const CACHE = "[NDArray, NDArray, NDArray, { stride: number; pad: number }]";
const NAMES = ["dA_prev", "dW", "db"] as const;

export const exercise: Exercise = {
  id: "conv_backward",
  title: "Convolution backward pass",
  points: 15,
  ...readExerciseFiles(import.meta.url),
  signature: `export function conv_backward(dZ: NDArray, cache: ${CACHE}): [NDArray, NDArray, NDArray];`,
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  uses: ["zero_pad"],
  cases: [worksheetCase(), ...HIDDEN_CONV.map((spec, i) => backwardCase(spec, 401 + i))],
  expected(args) {
    const cache = arrayArg(args, 1, "cache", 4);
    const [dA_prev, dW, db] = conv_backward(tensorArg(args, 0, "dZ"), [
      tensorArg(cache, 0, "cache A_prev"),
      tensorArg(cache, 1, "cache W"),
      tensorArg(cache, 2, "cache b"),
      integerFields(cache, 3, "cache hparameters", ["stride", "pad"]),
    ]);
    return [{ value: [dA_prev, dW, db] }];
  },
  select: (output) => selectFromTuple(output, NAMES, [0, 1, 2]),
  printout(value) {
    if (!Array.isArray(value) || value.length !== NAMES.length) {
      return `expected [dA_prev, dW, db], got ${describeValue(value)}`;
    }
    const gradients = value as readonly Value[];
    return NAMES.map((name, i) => {
      const gradient = gradients[i]!;
      const label = `${name.replace("_prev", "")}_mean`;
      return isTensor(gradient) ? printMean(label, gradient) : printNotTensor(name, gradient);
    }).join("\n");
  },
};

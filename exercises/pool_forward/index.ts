import { pool_forward, type PoolMode } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { drawPoolInput, HIDDEN_POOL, POOL_MODES, poolCaseExtra, poolCaseName, poolModesOf, type PoolCaseSpec } from "../lib/pool_cases.ts";
import { printNotTensor, printShape, printSlice, printWhole, selectFromTuple } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { integerFields, isTensor, poolModeArg, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

const WORKSHEET_POOL: PoolCaseSpec = { x: [2, 4, 4, 3], f: 4, stride: 1 };

function forwardCase(spec: PoolCaseSpec, mode: PoolMode, seed: number, visible = false): CaseRecipe {
  return seededCase(poolCaseName(spec, mode), seed, visible, (rng): Value[] => [
    drawPoolInput(rng, spec),
    { f: spec.f, stride: spec.stride },
    mode,
  ], visible ? {} : poolCaseExtra(spec, mode));
}

// Small results print whole, as the worksheet's example (A of shape (2, 1, 1, 3)) does.
const PRINT_WHOLE_MAX_ELEMENTS = 24;
const HP = "{ f: number; stride: number }";

export const exercise: Exercise = {
  id: "pool_forward",
  title: "Pooling forward pass",
  points: 15,
  ...readExerciseFiles(import.meta.url),
  signature: `export function pool_forward(A_prev: NDArray, hparameters: ${HP}, mode?: "max" | "average"): [NDArray, [NDArray, ${HP}]];`,
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  cases: [
    ...POOL_MODES.map((mode) => forwardCase(WORKSHEET_POOL, mode, WORKSHEET_SEED, true)),
    ...HIDDEN_POOL.flatMap((spec, i) => poolModesOf(spec).map((mode) => forwardCase(spec, mode, 501 + i))),
  ],
  expected(args) {
    const [A] = pool_forward(tensorArg(args, 0, "A_prev"), integerFields(args, 1, "hparameters", ["f", "stride"]), poolModeArg(args, 2));
    return [{ value: A }];
  },
  select: (output) => selectFromTuple(output, ["A", "cache"], [0]),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("A", value);
    const body = value.data.length <= PRINT_WHOLE_MAX_ELEMENTS ? printWhole("A", value) : printSlice("A", value, [1, 1], true);
    return `${printShape("A", value)}\n${body}`;
  },
};

import { pool_backward, pool_backward_accumulate, type PoolMode, type RandomState } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, poolOutputSize, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { drawPoolInput, HIDDEN_POOL, POOL_MODES, poolCaseExtra, poolCaseName, poolModesOf, type PoolCaseSpec } from "../lib/pool_cases.ts";
import { printMean, printNotTensor, printShape, printSlice, selectTensor } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { arrayArg, integerFields, isTensor, poolModeArg, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

/** The worksheet draws A_prev (5,5,3,2), then dA (5,4,2,2), from one generator. */
const WORKSHEET_POOL: PoolCaseSpec = { x: [5, 5, 3, 2], f: 2, stride: 1 };

function backwardCase(spec: PoolCaseSpec, mode: PoolMode, seed: number, visible = false): CaseRecipe {
  return seededCase(poolCaseName(spec, mode), seed, visible, (rng: RandomState): Value[] => {
    const A_prev = drawPoolInput(rng, spec);
    const [m, h, w, c] = spec.x;
    const dA = rng.randn(m, poolOutputSize(h, spec.f, spec.stride), poolOutputSize(w, spec.f, spec.stride), c);
    return [dA, [A_prev, { f: spec.f, stride: spec.stride }], mode];
  }, visible ? {} : poolCaseExtra(spec, mode));
}

const CACHE = "[NDArray, { f: number; stride: number }]";

export const exercise: Exercise = {
  id: "pool_backward",
  title: "Pooling backward pass",
  points: 15,
  ...readExerciseFiles(import.meta.url),
  signature: `export function pool_backward(dA: NDArray, cache: ${CACHE}, mode?: "max" | "average"): NDArray;`,
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  uses: ["create_mask_from_window", "distribute_value"],
  cases: [
    ...POOL_MODES.map((mode) => backwardCase(WORKSHEET_POOL, mode, WORKSHEET_SEED, true)),
    ...HIDDEN_POOL.flatMap((spec, i) => poolModesOf(spec).map((mode) => backwardCase(spec, mode, 801 + i))),
  ],
  /** The worksheet assigns each window's gradient (later windows overwrite); the true gradient adds. */
  expected(args) {
    const dA = tensorArg(args, 0, "dA");
    const cache = arrayArg(args, 1, "cache", 2);
    const poolCache = [tensorArg(cache, 0, "cache A_prev"), integerFields(cache, 1, "cache hparameters", ["f", "stride"])] as const;
    const mode = poolModeArg(args, 2);
    return [
      { name: "assign", value: pool_backward(dA, poolCache, mode) },
      { name: "accumulate", value: pool_backward_accumulate(dA, poolCache, mode) },
    ];
  },
  select: (output) => selectTensor(output, "dA_prev"),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("dA_prev", value);
    return [printShape("dA_prev", value), printMean("mean of dA_prev", value), printSlice("dA_prev", value, [1, 1])].join("\n");
  },
};

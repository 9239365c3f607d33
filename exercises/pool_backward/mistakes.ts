import { poolBackwardWindows, poolGeometry, tensor, type PoolBackwardVariation, type PoolGeometry, type PoolMode, type Tensor } from "../../reference/index.ts";
import { mistake } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { arrayArg, integerFields, poolModeArg, tensorArg } from "../lib/values.ts";

type PoolArgs = { dA: Tensor; A: Tensor; mode: PoolMode; geometry: PoolGeometry };

function inputs(args: readonly Value[]): PoolArgs {
  const cache = arrayArg(args, 1, "cache", 2);
  const A = tensorArg(cache, 0, "cache A_prev");
  const hparameters = integerFields(cache, 1, "cache hparameters", ["f", "stride"]);
  return { dA: tensorArg(args, 0, "dA"), A, mode: poolModeArg(args, 2), geometry: poolGeometry(A, hparameters) };
}

/** The mistake under both accepted answers: windows assigned (the worksheet) and accumulated. */
function bothVariants(p: PoolArgs, changed: Partial<PoolGeometry>, variation: PoolBackwardVariation = {}, mode = p.mode): Tensor[] {
  const g = { ...p.geometry, ...changed };
  return [false, true].map((accumulate) => tensor(p.A.shape, poolBackwardWindows(p.dA.data, p.A.data, g, mode, accumulate, variation)));
}

export const mistakes: readonly Mistake[] = [
  mistake(
    "pool_backward/modes_swapped",
    'Your "max" and "average" modes are exchanged: "max" routes each gradient to the window\'s maximum (the mask), "average" spreads it evenly (distribute_value).',
    (args) => {
      const p = inputs(args);
      return bothVariants(p, {}, {}, p.mode === "max" ? "average" : "max");
    },
  ),
  mistake(
    "pool_backward/ignores_stride",
    "Your gradients go to windows one step apart: the window of output (h, w) starts at (h * stride, w * stride), as in the forward pass.",
    (args) => {
      const p = inputs(args);
      return p.geometry.stride > 1 ? bothVariants(p, { stride: 1 }) : [];
    },
  ),
  mistake(
    "pool_backward/average_not_divided",
    "In average mode your windows receive the whole gradient in every cell: each of the f * f cells gets dA / (f * f) (distribute_value).",
    (args) => {
      const p = inputs(args);
      return p.mode === "average" ? bothVariants(p, {}, { divisor: 1 }) : [];
    },
  ),
  mistake(
    "pool_backward/mask_not_multiplied_by_da",
    "In max mode your windows receive the mask itself: multiply the mask by that output's gradient dA[i, h, w, c].",
    (args) => {
      const p = inputs(args);
      return p.mode === "max" ? bothVariants(p, {}, { maskOnly: true }) : [];
    },
  ),
];

import { pool_forward, poolGeometry, poolWindows, tensor, type PoolGeometry, type PoolMode, type Tensor } from "../../reference/index.ts";
import { filled, mistake } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { integerFields, poolModeArg, tensorArg } from "../lib/values.ts";

type PoolArgs = { A: Tensor; f: number; stride: number; mode: PoolMode; geometry: PoolGeometry };

function inputs(args: readonly Value[]): PoolArgs {
  const A = tensorArg(args, 0, "A_prev");
  const { f, stride } = integerFields(args, 1, "hparameters", ["f", "stride"]);
  return { A, f, stride, mode: poolModeArg(args, 2), geometry: poolGeometry(A, { f, stride }) };
}

/** pool_forward's windows over a geometry changed on purpose. */
function pooled({ A, mode, geometry }: PoolArgs, changed: Partial<PoolGeometry>, divisor?: number): Tensor {
  const g = { ...geometry, ...changed };
  return tensor([g.m, g.nH, g.nW, g.c], poolWindows(A.data, g, mode, divisor));
}

export const mistakes: readonly Mistake[] = [
  mistake(
    "pool_forward/modes_swapped",
    'Your "max" and "average" modes are exchanged: "max" takes the largest value of each window, "average" its mean.',
    (args) => {
      const p = inputs(args);
      return [pool_forward(p.A, { f: p.f, stride: p.stride }, p.mode === "max" ? "average" : "max")[0]];
    },
  ),
  mistake(
    "pool_forward/ignores_stride",
    "Your output has the right shape, but every window starts one step after the last: `stride` should move each window's start (h * stride, w * stride).",
    (args) => {
      const p = inputs(args);
      return p.stride > 1 ? [pooled(p, { stride: 1 })] : [];
    },
  ),
  mistake(
    "pool_forward/window_end_off_by_one",
    "Your windows are one row and one column too small: a window starting at `vert_start` ends at `vert_start + f` (exclusive), not `vert_start + f - 1`.",
    (args) => {
      const p = inputs(args);
      if (p.f > 1) return [pooled(p, { f: p.f - 1 })];
      // Empty windows: numpy's max of one raises, its mean is NaN.
      const { m, nH, nW, c } = p.geometry;
      return p.mode === "average" ? [filled([m, nH, nW, c], NaN)] : [];
    },
  ),
  mistake(
    "pool_forward/average_divided_by_f",
    "Your averages divide the window's sum by f: a window holds f * f values.",
    (args) => {
      const p = inputs(args);
      return p.mode === "average" ? [pooled(p, {}, p.f)] : [];
    },
  ),
];

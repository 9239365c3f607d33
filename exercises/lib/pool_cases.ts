import type { PoolMode, RandomState, Tensor } from "../../reference/index.ts";
import { dims, negativeOf } from "./cases.ts";

export const POOL_MODES: readonly PoolMode[] = ["max", "average"];

export type PoolCaseSpec = {
  /** A_prev's shape (m, H, W, C). */
  readonly x: readonly [number, number, number, number];
  readonly f: number;
  readonly stride: number;
  readonly negative?: boolean;
};

/**
 * Hidden cases shared by pool_forward and pool_backward, each run in both modes. stride < f overlaps
 * (where pool_backward's assign and accumulate answers differ); stride > f leaves cells no window
 * reaches. The last is the large one: 2*25*25*8 overlapping windows of 8*8, about 6.4e5 element
 * visits; few, wide windows keep a per-window loop solution (slice, mask, assign) well inside the
 * case time limit, and a small input (16k values) keeps the arguments cheap to ship to the sandbox
 * on every submission.
 */
export const HIDDEN_POOL: readonly PoolCaseSpec[] = [
  { x: [2, 5, 5, 3], f: 3, stride: 2 },
  { x: [1, 6, 4, 1], f: 2, stride: 2 },
  { x: [2, 4, 4, 2], f: 4, stride: 1 },
  { x: [2, 7, 5, 2], f: 2, stride: 3 },
  { x: [2, 3, 4, 2], f: 1, stride: 1 },
  { x: [2, 4, 6, 2], f: 2, stride: 1, negative: true },
  { x: [2, 32, 32, 8], f: 8, stride: 1 },
];

export function poolCaseName(spec: PoolCaseSpec, mode: PoolMode): string {
  return `x=${dims(spec.x)} f=${spec.f} s=${spec.stride}${spec.negative ? " negative" : ""} mode=${mode}`;
}

export function drawPoolInput(rng: RandomState, spec: PoolCaseSpec): Tensor {
  const A_prev = rng.randn(...spec.x);
  return spec.negative ? negativeOf(A_prev) : A_prev;
}

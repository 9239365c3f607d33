import type { PoolMode, RandomState, Tensor } from "../../reference/index.ts";
import type { CaseRecipe } from "../types.ts";
import { coverTags, dims, LARGE_CASE_SUFFIX, LARGE_CASE_TIME_LIMIT_MS, negativeOf } from "./cases.ts";

export const POOL_MODES: readonly PoolMode[] = ["max", "average"];

export type PoolCaseSpec = {
  /** A_prev's shape (m, H, W, C). */
  readonly x: readonly [number, number, number, number];
  readonly f: number;
  readonly stride: number;
  readonly negative?: boolean;
  /** Kept large for its time limit only: run in max mode alone (the dearer one backward), named so. */
  readonly large?: boolean;
};

/**
 * Hidden cases shared by pool_forward and pool_backward, each run in both modes. stride < f overlaps
 * (where pool_backward's assign and accumulate answers differ); stride > f leaves cells no window
 * reaches. The last is the large one: 2*25*25*8 overlapping windows of 8*8, about 6.4e5 element
 * visits; few, wide windows keep a per-window loop solution (slice, mask, assign) well inside the
 * case time limit, and a small input (16k values) keeps the arguments cheap to ship to the sandbox
 * on every submission. It catches no mistake the small cases miss (see `autograde check`), so it runs
 * once, in max mode, for its time limit.
 */
export const HIDDEN_POOL: readonly PoolCaseSpec[] = [
  { x: [2, 5, 5, 3], f: 3, stride: 2 },
  { x: [1, 6, 4, 1], f: 2, stride: 2 },
  { x: [2, 4, 4, 2], f: 4, stride: 1 },
  { x: [2, 7, 5, 2], f: 2, stride: 3 },
  { x: [2, 3, 4, 2], f: 1, stride: 1 },
  { x: [2, 4, 6, 2], f: 2, stride: 1, negative: true },
  { x: [2, 32, 32, 8], f: 8, stride: 1, large: true },
];

export function poolModesOf(spec: PoolCaseSpec): readonly PoolMode[] {
  return spec.large ? ["max"] : POOL_MODES;
}

export function poolCaseName(spec: PoolCaseSpec, mode: PoolMode): string {
  return `x=${dims(spec.x)} f=${spec.f} s=${spec.stride}${spec.negative ? " negative" : ""} mode=${mode}${spec.large ? LARGE_CASE_SUFFIX : ""}`;
}

/** What a pool case covers, for `autograde check`, and its own time limit when it is the large one. */
export function poolCaseExtra(spec: PoolCaseSpec, mode: PoolMode): Pick<CaseRecipe, "covers" | "timeLimitMs"> {
  const [m, h, w, c] = spec.x;
  const covers = coverTags([
    [`stride ${spec.stride}`, true],
    [`f = 1 ${mode}`, spec.f === 1],
    [`f = H ${mode}`, spec.f === h],
    ["H != W", h !== w],
    ["one channel", c === 1],
    ["m = 1", m === 1],
    [`overlapping ${mode}`, spec.stride < spec.f],
    [`non-overlapping ${mode}`, spec.stride >= spec.f && spec.f > 1],
    [`gaps ${mode}`, spec.stride > spec.f],
    [`negative ${mode}`, spec.negative === true],
    ["large", spec.large === true],
  ]);
  return spec.large ? { covers, timeLimitMs: LARGE_CASE_TIME_LIMIT_MS } : { covers };
}

export function drawPoolInput(rng: RandomState, spec: PoolCaseSpec): Tensor {
  const A_prev = rng.randn(...spec.x);
  return spec.negative ? negativeOf(A_prev) : A_prev;
}

import { RandomState, type Tensor } from "../../reference/index.ts";
import type { CaseRecipe, Value } from "../types.ts";

export const DEFAULT_TOLERANCE = { atol: 1e-7, rtol: 1e-7 } as const;
export const DEFAULT_CASE_TIME_LIMIT_MS = 2000;
/**
 * The one large case of an exercise is there for its time limit alone (a correct loop solution must
 * finish well inside it; no small case misses a mistake it catches), and says so in its name.
 */
export const LARGE_CASE_TIME_LIMIT_MS = 2000;
export const LARGE_CASE_SUFFIX = ` large: time limit ${LARGE_CASE_TIME_LIMIT_MS} ms`;

/** The worksheet draws every example from np.random.seed(1). */
export const WORKSHEET_SEED = 1;

/** A recipe rebuilds its arguments from a fresh generator on every call, so builds are bit-identical. */
export function seededCase(
  name: string,
  seed: number,
  visible: boolean,
  draw: (rng: RandomState) => Value[],
  extra: Pick<CaseRecipe, "covers" | "timeLimitMs"> = {},
): CaseRecipe {
  return { name, seed, visible, build: () => draw(new RandomState(seed)), ...extra };
}

/** Tags of what a case covers, from a list of [tag, holds] pairs. */
export function coverTags(pairs: readonly (readonly [string, boolean])[]): string[] {
  return pairs.filter(([, holds]) => holds).map(([tag]) => tag);
}

/** `[2,5,5,3]`, the notation of case names. */
export function dims(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

/** -|x| elementwise: all-negative inputs catch a running max started at 0. */
export function negativeOf(t: Tensor): Tensor {
  return { shape: t.shape, data: t.data.map((x) => -Math.abs(x)) };
}

export function convOutputSize(size: number, f: number, stride: number, pad: number): number {
  return Math.floor((size - f + 2 * pad) / stride) + 1;
}

export function poolOutputSize(size: number, f: number, stride: number): number {
  return Math.floor((size - f) / stride) + 1;
}

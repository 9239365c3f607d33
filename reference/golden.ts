import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { RandomState } from "./random_state.ts";
import type { Tensor } from "./tensor.ts";

/** Loads golden vectors written by scripts/gen_golden.py (tests only). */
export function loadFixture<T>(name: "kernels.json" | "random_streams.json"): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), "utf8")) as T;
}

export type JsonTensor = { shape: number[]; data: number[] };
export type Draw = [name: string, shape: number[]];

/** Rebuilds a case's inputs: randn draws in the listed order from RandomState(seed). */
export function drawInputs(seed: number, draws: readonly Draw[]): Record<string, Tensor> {
  const random = new RandomState(seed);
  return Object.fromEntries(draws.map(([name, shape]) => [name, random.randn(...shape)]));
}

export const GOLDEN_TOLERANCE = 1e-12;

/** Same shape, and every element within 1e-12 (absolute, or relative for values above 1). */
export function expectTensorClose(actual: Tensor, expected: JsonTensor, what: string): void {
  expect([...actual.shape], `${what} shape`).toEqual(expected.shape);
  let worst = 0;
  let worstIndex = -1;
  expected.data.forEach((want, index) => {
    const got = actual.data[index] as number;
    const error = Math.abs(got - want) / Math.max(1, Math.abs(want));
    if (!(error <= worst)) {
      worst = error;
      worstIndex = index;
    }
  });
  expect(worst, `${what}: worst error at flat index ${worstIndex}`).toBeLessThanOrEqual(GOLDEN_TOLERANCE);
}

/** Flat copies of every input's data, to check a kernel left its inputs untouched. */
export function snapshot(...tensors: Tensor[]): number[][] {
  return tensors.map((t) => Array.from(t.data));
}

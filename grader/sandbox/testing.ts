import { expect } from "vitest";
import type { ExerciseId, Value } from "../../exercises/types.ts";
import { compileSubmission } from "../compile.ts";
import type { SandboxCaseResult, SandboxExercise, SandboxPool, SandboxResult } from "./protocol.ts";

/** Helpers shared by the sandbox's test files (real worker processes, small limits). */

export const silentLog = { info() {}, warn() {}, error() {} };

export function compiled(source: string): string {
  const result = compileSubmission(source, { maxSourceBytes: 256 * 1024 });
  if (result.kind !== "ok") throw new Error(`test source did not compile: ${JSON.stringify(result)}`);
  return result.code;
}

export function tensor(shape: number[], values?: number[]): { shape: number[]; data: Float64Array } {
  const size = shape.reduce((a, b) => a * b, 1);
  return { shape, data: new Float64Array(values ?? Array.from({ length: size }, (_, i) => i + 1)) };
}

export function exercise(
  exportNames: string | string[],
  cases: readonly (readonly Value[])[],
  limits: { timeoutMs?: number; deadlineMs?: number; id?: ExerciseId } = {},
): SandboxExercise {
  return {
    id: limits.id ?? "zero_pad",
    exportNames: typeof exportNames === "string" ? [exportNames] : exportNames,
    deadlineMs: limits.deadlineMs ?? 10_000,
    cases: cases.map((args, i) => ({ name: `case ${i}`, args, timeoutMs: limits.timeoutMs ?? 1000 })),
  };
}

/** The cases of a result's exercise, failing the test when the exercise did not run. */
export function casesOf(result: SandboxResult, index = 0): readonly SandboxCaseResult[] {
  const r = result.exercises[index];
  if (r?.kind !== "ran") throw new Error(`exercise ${index} did not run: ${JSON.stringify(r)}`);
  return r.cases;
}

export function returned(result: SandboxCaseResult | undefined): Value {
  if (result?.kind !== "returned") throw new Error(`expected a returned value, got ${JSON.stringify(result)}`);
  return result.value;
}

export const ZERO_PAD_SOURCE = `
import * as np from "@autograde/np";
export function zero_pad(X: np.NDArray, pad: number): np.NDArray {
  return np.pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
}`;

/** After every hostile test: the pool must still grade a correct function correctly. */
export async function expectHealthy(pool: SandboxPool): Promise<void> {
  const result = await pool.run({ code: compiled(ZERO_PAD_SOURCE), deadlineMs: 30_000, exercises: [exercise("zero_pad", [[tensor([1, 1, 1, 1], [7]), 1]])] });
  const value = returned(casesOf(result)[0]) as { shape: number[]; data: Float64Array };
  expect(value.shape).toEqual([1, 3, 3, 1]);
  expect([...value.data]).toEqual([0, 0, 0, 0, 7, 0, 0, 0, 0]);
}

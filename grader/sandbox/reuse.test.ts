import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Value } from "../../exercises/types.ts";
import { createSandboxPool } from "./pool.ts";
import type { SandboxPool } from "./protocol.ts";
import { casesOf, compiled, exercise, returned, silentLog, tensor } from "./testing.ts";

// What one worker keeps from job to job (arguments it was sent, an isolate made ahead of time) must
// never carry anything from one submission, or one exercise, to the next.

let pool: SandboxPool;

beforeAll(() => {
  pool = createSandboxPool({ size: 1, sandboxMemoryMb: 64, maxOutputElements: 10_000, log: silentLog, moduleTimeoutMs: 500, outputTimeoutMs: 300, watchdogSlackMs: 1500 });
});
afterAll(() => pool.close(2000));

const MARKING = compiled(`
export function zero_pad(): string {
  const seen = typeof (globalThis as any).__mark + "/" + typeof ([] as any).__tampered;
  (globalThis as any).__mark = "set";
  (Array.prototype as any).__tampered = true;
  return seen;
}`);

describe("state between jobs and exercises on one worker", () => {
  it("a global and a prototype tampered in one submission are absent in the next (fresh isolate each time)", async () => {
    const job = { code: MARKING, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] };
    const first = await pool.run(job);
    const second = await pool.run(job);
    expect(returned(casesOf(first)[0])).toBe("undefined/undefined");
    expect(returned(casesOf(second)[0])).toBe("undefined/undefined");
  });

  it("within one submission, exercise 2's context (made before exercise 1 ran) does not see exercise 1's tampering", async () => {
    const result = await pool.run({ code: MARKING, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[], []]), exercise("zero_pad", [[]])] });
    expect(casesOf(result, 0).map(returned)).toEqual(["undefined/undefined", "string/boolean"]);
    expect(casesOf(result, 1).map(returned)).toEqual(["undefined/undefined"]);
  });

  it("arguments sent once and reused by reference reach every case unmodified, whatever a case wrote into its copy", async () => {
    const code = compiled(`
import type { NDArray } from "@autograde/np";
export function zero_pad(x: NDArray): number[] {
  const before = x.data[0]!;
  x.data[0] = 999;
  return [before, x.data[0]!];
}`);
    const args: Value[] = [tensor([1, 2], [5, 6])];
    const job = { code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [args, args])] };
    const jobs = [await pool.run(job), await pool.run(job)];
    for (const result of jobs) {
      expect(casesOf(result).map((c) => Array.from((returned(c) as { data: Float64Array }).data))).toEqual([
        [5, 999],
        [5, 999],
      ]);
    }
    expect(Array.from((args[0] as { data: Float64Array }).data)).toEqual([5, 6]);
  });
});

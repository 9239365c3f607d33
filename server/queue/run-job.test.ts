import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { GradingProgress } from "../storage/types.ts";
import { progressWriter } from "./run-job.ts";

const state = (n: number): GradingProgress => ({ exercises: [{ id: "zero_pad", state: n > 0 ? "graded" : "running", ...(n > 0 ? { score: n } : {}), maxScore: 10 }] });

function harness(fail = false) {
  const writes: GradingProgress[] = [];
  const warnings: unknown[] = [];
  const storage = {
    recordProgress: vi.fn(async (_job: unknown, progress: GradingProgress) => {
      writes.push(progress);
      if (fail) throw new Error("database is locked");
      return true;
    }),
  };
  const writer = progressWriter({ storage, job: { jobId: 1, leaseToken: "t" }, log: { warn: (obj: object) => void warnings.push(obj) }, intervalMs: 250 });
  return { writer, writes, warnings, storage };
}

describe("progressWriter", () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] }));
  afterEach(() => void vi.useRealTimers());

  it("writes nothing inside the caller's call, then the first state at once and after that at most one write per interval, the latest winning", async () => {
    const { writer, writes } = harness();
    writer.update(state(0));
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(0);
    expect(writes).toEqual([state(0)]);

    for (let n = 1; n <= 5; n++) writer.update(state(n));
    await vi.advanceTimersByTimeAsync(249);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(writes).toEqual([state(0), state(5)]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toHaveLength(2);
  });

  it("drops what is pending once stopped", async () => {
    const { writer, writes } = harness();
    writer.update(state(0));
    await vi.advanceTimersByTimeAsync(0);
    writer.update(state(1));
    writer.stop();
    writer.update(state(2));
    await vi.advanceTimersByTimeAsync(1000);
    expect(writes).toEqual([state(0)]);
  });

  it("logs a failed write and keeps going", async () => {
    const { writer, writes, warnings } = harness(true);
    writer.update(state(0));
    await vi.advanceTimersByTimeAsync(0);
    writer.update(state(1));
    await vi.advanceTimersByTimeAsync(250);
    expect(writes).toEqual([state(0), state(1)]);
    expect(warnings).toHaveLength(2);
  });
});

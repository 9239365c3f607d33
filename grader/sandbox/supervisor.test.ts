import { describe, expect, it } from "vitest";
import { createSandboxPool } from "./pool.ts";
import { casesOf, compiled, exercise, expectHealthy, returned, silentLog } from "./testing.ts";

describe("supervision of worker processes", () => {
  it("a worker that cannot start is retried with backoff, a bounded number of times, then the job is refused", async () => {
    const errors: unknown[] = [];
    const log = { ...silentLog, error: (obj: object) => errors.push(obj) };
    // A helper module that does not exist makes every worker die while starting: a crash loop.
    const pool = createSandboxPool({ size: 1, sandboxMemoryMb: 32, maxOutputElements: 10, log, maxStartupFailures: 3, helperModulePath: "/nonexistent/np.ts" });
    try {
      const job = { code: compiled("export const zero_pad = () => 1;"), deadlineMs: 5000, exercises: [exercise("zero_pad", [[]])] };
      await expect(pool.run(job)).rejects.toThrow(/failed to start 3 times in a row.*nonexistent/s);
      // The job joins the warm-up's 3 attempts (or makes 3 of its own); every attempt after the first is a restart.
      expect(pool.stats().restarts).toBeGreaterThanOrEqual(2);
      expect(pool.stats().restarts).toBeLessThanOrEqual(5);
      expect(errors.length).toBeGreaterThanOrEqual(3);
    } finally {
      await pool.close(100);
    }
  });

  it("close() lets a running job finish within the grace period, then refuses new jobs", async () => {
    const pool = createSandboxPool({ size: 1, sandboxMemoryMb: 32, maxOutputElements: 10, log: silentLog });
    const code = compiled("export function zero_pad() { const end = Date.now() + 200; while (Date.now() < end) {} return 'done'; }");
    const running = pool.run({ code, deadlineMs: 10_000, exercises: [exercise("zero_pad", [[]])] });
    await pool.close(10_000);
    expect(returned(casesOf(await running)[0])).toBe("done");
    await expect(pool.run({ code, deadlineMs: 1000, exercises: [] })).rejects.toThrow(/closed/);
  });

  it("close() kills a job still running after the grace period and rejects it", async () => {
    const pool = createSandboxPool({ size: 1, sandboxMemoryMb: 32, maxOutputElements: 10, log: silentLog });
    const code = compiled("export function zero_pad() { for (;;) {} }");
    const running = pool.run({ code, deadlineMs: 60_000, exercises: [exercise("zero_pad", [[]], { timeoutMs: 30_000, deadlineMs: 60_000 })] });
    const outcome = running.then(() => "resolved", (error: Error) => error.message);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await pool.close(200);
    expect(await outcome).toMatch(/shut down before the job finished|shutting down/);
  });

  it("a builtin that ignores the isolate's timeout is killed by the watchdog; the next exercise runs on a fresh worker", async () => {
    // Room for a 200 MB typed array; the watchdog fires 300 + 2 * 200 + 200 ms after the last progress.
    const watched = createSandboxPool({ size: 1, sandboxMemoryMb: 256, maxOutputElements: 1000, log: silentLog, moduleTimeoutMs: 300, outputTimeoutMs: 200, watchdogSlackMs: 200 });
    try {
      const before = watched.stats().restarts;
      // TypedArray#sort of 2.5e7 doubles never checks for termination (about 2 s here), far beyond 300 ms + slack.
      const source = `export function zero_pad() {
        const n = 2.5e7; const a = new Float64Array(n);
        for (let i = 0; i < 4096; i++) a[i] = Math.random();
        for (let k = 4096; k < n; k *= 2) a.copyWithin(k, 0, k);
        a.sort(); return 1;
      }
      export const zeroPad = () => "next exercise";`;
      const result = await watched.run({ code: compiled(source), deadlineMs: 30_000, exercises: [exercise("zero_pad", [[]], { timeoutMs: 100 }), exercise("zeroPad", [[]])] });
      expect(casesOf(result, 0)).toEqual([{ kind: "timeout", limitMs: 100 }]);
      expect(returned(casesOf(result, 1)[0])).toBe("next exercise");
      expect(watched.stats().restarts).toBeGreaterThan(before);
      await expectHealthy(watched);
    } finally {
      await watched.close(1000);
    }
  });
});

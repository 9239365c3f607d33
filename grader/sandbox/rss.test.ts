import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { residentMb } from "./rss.ts";
import { createWorkerSlot, KILLED_FOR_OOM, type WorkerExit } from "./supervisor.ts";
import { silentLog } from "./testing.ts";

// A worker that, asked to, commits memory V8 never sees: a zero-filled Buffer is native memory.
const OFF_HEAP_WORKER = `
const held = [];
process.on("message", (m) => {
  if (!m || m.t !== "job") return;
  for (let i = 0; i < 8; i++) held.push(Buffer.alloc(64 * 1024 * 1024, 1));
  process.send({ t: "allocated" });
});
process.send({ t: "ready" });
setInterval(() => {}, 1000);
`;

function workerFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), "autograde-rss-")), "worker.cjs");
  writeFileSync(file, OFF_HEAP_WORKER);
  return file;
}

describe("resident memory watchdog", () => {
  it("reads this process's resident memory from /proc, and nothing for a process that does not exist", () => {
    expect(residentMb(process.pid)).toBeGreaterThan(10);
    expect(residentMb(2 ** 30)).toBeUndefined();
  });

  it.each([
    ["over the ceiling: killed and charged as memory", 256, KILLED_FOR_OOM],
    ["under the ceiling: left alone", 2048, "shutdown"],
  ])("a worker that commits 512 MB outside V8's heap, %s", async (_name, workerRssMb, killedFor) => {
    const warnings: object[] = [];
    const slot = createWorkerSlot({
      entry: workerFile(),
      execArgv: [],
      config: { sandboxMemoryMb: 16, maxOutputElements: 1, moduleTimeoutMs: 100, outputTimeoutMs: 100, helperModulePath: "" },
      log: { ...silentLog, warn: (obj) => warnings.push(obj) },
      startupTimeoutMs: 10_000,
      maxStartupFailures: 1,
      workerRssMb,
      rssPollMs: 20,
      onRestart: () => {},
    });
    const worker = await slot.acquire();
    const exited = new Promise<WorkerExit>((resolve) => worker.onExit(resolve));
    const allocated = new Promise<void>((resolve) => worker.onMessage((m) => (m as { t: string }).t === "allocated" && resolve()));
    worker.send({ t: "job" });
    if (killedFor === KILLED_FOR_OOM) {
      // It holds the memory for good: only the watchdog ends it.
      expect((await exited).killedFor).toBe(KILLED_FOR_OOM);
      expect(warnings).toEqual([expect.objectContaining({ ceilingMb: workerRssMb })]);
    } else {
      await allocated;
      // Many polls after the peak, it still lives.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(worker.alive()).toBe(true);
      await slot.shutdown();
      expect((await exited).killedFor).toBe("shutdown");
      expect(warnings).toEqual([]);
    }
    await slot.shutdown();
  });
});

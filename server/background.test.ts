import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createBackgroundWork } from "./background.ts";

const silent = pino({ level: "silent" });

describe("background work", () => {
  it("a sleep ends true when its time is up, false when stop() cuts it short, and false at once after stop", async () => {
    const work = createBackgroundWork(silent);
    expect(await work.sleep(1)).toBe(true);
    const cut = work.sleep(60_000);
    await work.stop();
    expect(await cut).toBe(false);
    expect(work.stopping()).toBe(true);
    expect(await work.sleep(60_000)).toBe(false);
  });

  it("stop() and idle() wait for the tasks in flight; a throwing task is logged, not unhandled", async () => {
    const logged: unknown[] = [];
    const log = pino({ level: "error" }, { write: (line: string) => void logged.push(JSON.parse(line)) });
    const work = createBackgroundWork(log);
    let finished = false;
    work.run(work.sleep(20).then(() => (finished = true)), "never logged", {});
    work.run(Promise.reject(new Error("boom")), "task crashed", { taskId: 7 });
    await work.idle();
    expect(finished).toBe(true);
    expect(logged).toEqual([expect.objectContaining({ msg: "task crashed", taskId: 7, err: expect.objectContaining({ message: "boom" }) })]);
  });

  it("sleeps that run their course leave no abort listener behind", async () => {
    const work = createBackgroundWork(silent);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      for (let i = 0; i < 12; i++) await work.sleep(0);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
  });
});

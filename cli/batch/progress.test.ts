import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { BatchRow } from "./journal.ts";
import { createProgress, progressMode } from "./progress.ts";

const row = (key: string, status: BatchRow["status"], score: number | null, reason?: string): BatchRow => ({
  key,
  students: [key],
  status,
  score,
  maxScore: 100,
  exercises: {},
  late: null,
  ...(reason !== undefined ? { reason } : {}),
});

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = "";
  stream.on("data", (c: Buffer) => (text += c.toString()));
  return { stream, text: () => text };
}

describe("progress", () => {
  it("picks a bar on a terminal, lines elsewhere, nothing with --quiet", () => {
    expect(progressMode(capture(true).stream, false)).toBe("bar");
    expect(progressMode(capture(false).stream, false)).toBe("lines");
    expect(progressMode(capture(true).stream, true)).toBe("quiet");
  });

  it("writes one plain line per submission, counting what the journal already had", () => {
    const out = capture(false);
    const progress = createProgress(out.stream, "lines");
    progress.start(5, 3);
    progress.tick(row("alice", "graded", 80));
    progress.tick(row("bob", "unreadable", null, "no .ts file"));
    progress.stop();
    expect(out.text().split("\n")).toEqual(["grading 2 of 5 submissions (3 already in the journal)", "[4/5] alice: 80/100", "[5/5] bob: unreadable: no .ts file", ""]);
  });

  it("draws done, total and the rate from the injected clock on a terminal", () => {
    const out = capture(true);
    let now = 0;
    const progress = createProgress(out.stream, "bar", () => now);
    progress.start(10, 0);
    now = 60_000;
    progress.tick(row("a", "graded", 1));
    progress.tick(row("b", "graded", 1));
    progress.stop();
    expect(out.text()).toMatch(/2\/10 \| 2\.0\/min \| ETA/);
  });

  it("says nothing when quiet", () => {
    const out = capture(false);
    const progress = createProgress(out.stream, "quiet");
    progress.start(1, 0);
    progress.tick(row("a", "graded", 1));
    progress.stop();
    expect(out.text()).toBe("");
  });
});

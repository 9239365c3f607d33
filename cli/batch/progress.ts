import { Presets, SingleBar } from "cli-progress";
import { write } from "../usage.ts";
import type { BatchRow } from "./journal.ts";

export interface BatchProgress {
  start(total: number, done: number): void;
  tick(row: BatchRow): void;
  stop(): void;
}

export type ProgressMode = "bar" | "lines" | "quiet";

export function progressMode(stderr: NodeJS.WritableStream, quiet: boolean): ProgressMode {
  if (quiet) return "quiet";
  return (stderr as { isTTY?: boolean }).isTTY === true ? "bar" : "lines";
}

/** A bar with rate and ETA on a terminal; one plain line per submission in a log; nothing with --quiet. */
export function createProgress(stderr: NodeJS.WritableStream, mode: ProgressMode, now: () => number = Date.now): BatchProgress {
  if (mode === "quiet") return { start: () => undefined, tick: () => undefined, stop: () => undefined };
  if (mode === "bar") {
    const bar = new SingleBar(
      { stream: stderr, format: "grading [{bar}] {value}/{total} | {rate}/min | ETA {eta_formatted}", hideCursor: true, etaBuffer: 20 },
      Presets.shades_classic,
    );
    let started = 0;
    let first = 0;
    let value = 0;
    const rate = () => (((value - first) * 60_000) / Math.max(1, now() - started)).toFixed(1);
    return {
      start(total, done) {
        started = now();
        first = value = done;
        bar.start(total, done, { rate: "0.0" });
      },
      tick() {
        value += 1;
        bar.update(value, { rate: rate() });
      },
      stop: () => bar.stop(),
    };
  }
  let total = 0;
  let value = 0;
  return {
    start(t, done) {
      total = t;
      value = done;
      write(stderr, `grading ${t - done} of ${t} submissions${done > 0 ? ` (${done} already in the journal)` : ""}`);
    },
    tick(row) {
      value += 1;
      const what = row.status === "graded" ? `${row.score}/${row.maxScore}` : `${row.status}: ${row.reason ?? ""}`;
      write(stderr, `[${value}/${total}] ${row.students.join(", ")}: ${what}`);
    },
    stop: () => undefined,
  };
}

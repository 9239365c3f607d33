import { h } from "./dom.ts";
import { formatScore } from "./report-view.ts";
import type { GradingProgress } from "./schemas.ts";

export interface ProgressRow {
  readonly id: string;
  readonly state: GradingProgress["exercises"][number]["state"];
  /** What the row says after the exercise id: "waiting", "running…", "graded 7.5/10". */
  readonly text: string;
}

/** The service's per-exercise progress as the page lists it, in the service's order. */
export function progressRows(progress: GradingProgress): ProgressRow[] {
  return progress.exercises.map((e) => ({
    id: e.id,
    state: e.state,
    // A graded exercise without a score is one whose hidden results are held back.
    text: e.state === "graded" ? (e.score === undefined ? "graded" : `graded ${formatScore(e.score, e.maxScore)}`) : e.state === "running" ? "running…" : "waiting",
  }));
}

/** "3 of 8 exercises graded": the status line's words while grading, when the service reports progress. */
export function progressSummary(progress: GradingProgress): string {
  const graded = progress.exercises.filter((e) => e.state === "graded").length;
  return `${graded} of ${progress.exercises.length} exercise${progress.exercises.length === 1 ? "" : "s"} graded`;
}

export function renderProgress(progress: GradingProgress | undefined): HTMLElement | null {
  if (!progress || progress.exercises.length === 0) return null;
  return h(
    "ol",
    { class: "progress", "aria-label": `Grading progress: ${progressSummary(progress)}`, "data-testid": "grading-progress" },
    progressRows(progress).map((row) => h("li", { class: `progress-${row.state}`, "data-exercise": row.id }, h("code", {}, row.id), " ", h("span", { class: "progress-state" }, row.text))),
  );
}

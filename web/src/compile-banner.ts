import { h } from "./dom.ts";
import type { Diagnostic, ExerciseReport, PageReport } from "./schemas.ts";

/**
 * The statuses under which an exercise's cases never ran (grader/report.ts NOT_RUN_STATUSES; the
 * page cannot import that file without bundling classic zod, and schemas.test.ts holds the two equal).
 */
export const NOT_RUN_STATUSES: readonly ExerciseReport["status"][] = ["compile_error", "missing"];

export function casesRan(exercise: Pick<ExerciseReport, "status">): boolean {
  return !NOT_RUN_STATUSES.includes(exercise.status);
}

/** One line for an exercise whose cases never ran, in the page's words (the report's hidden-case text may say "threw"). */
export function notRunLine(exercise: Pick<ExerciseReport, "status" | "message" | "cases">): string {
  const count = exercise.cases.length;
  const cases = `${count} case${count === 1 ? "" : "s"}`;
  if (exercise.status === "compile_error") return `Not run (${cases}): the module did not compile.`;
  return `Not run (${cases}): ${exercise.message ?? "the exercise is missing from the module"}.`;
}

export interface CompileFailure {
  /** The compiler's first error: the one to fix first, the others often follow from it. */
  readonly first: Diagnostic | null;
  readonly errorCount: number;
  readonly exercisesNotRun: number;
}

/** Null when the module compiled; otherwise what the banner says. */
export function compileFailure(report: Pick<PageReport, "exercises" | "diagnostics">): CompileFailure | null {
  const notRun = report.exercises.filter((e) => e.status === "compile_error").length;
  if (notRun === 0) return null;
  const errors = report.diagnostics.filter((d) => d.severity === "error");
  return { first: errors[0] ?? null, errorCount: errors.length, exercisesNotRun: notRun };
}

/** One banner above everything, instead of a "not run" row for every case of every exercise. */
export function renderCompileBanner(report: Pick<PageReport, "exercises" | "diagnostics">, onSelect?: (d: Diagnostic) => void): HTMLElement | null {
  const failure = compileFailure(report);
  if (!failure) return null;
  const first = failure.first;
  return h(
    "div",
    { class: "compile-banner", role: "alert", "data-testid": "compile-banner" },
    h("strong", {}, "Your module did not compile, so no case ran."),
    " ",
    first
      ? [
          onSelect ? h("button", { type: "button", class: "link", onclick: () => onSelect(first) }, `line ${first.line}:${first.column}`) : `line ${first.line}:${first.column}`,
          `: ${first.message}`,
        ]
      : "The compiler gave no position.",
    failure.errorCount > 1 ? h("span", { class: "muted" }, ` (and ${failure.errorCount - 1} more below)`) : null,
  );
}

import { formatScore as formatPoints } from "../../grader/round-score.ts";
import { casesRan, notRunLine, renderCompileBanner } from "./compile-banner.ts";
import type { CaseReport, Diagnostic, ExerciseReport, PageReport } from "./schemas.ts";
import { h } from "./dom.ts";

const OUTCOME_LABEL: Record<CaseReport["outcome"], string> = {
  passed: "passed",
  wrong: "wrong answer",
  error: "error",
  timeout: "time limit",
  memory_limit: "memory limit",
};

const STATUS_LABEL: Record<ExerciseReport["status"], string> = {
  passed: "passed",
  partial: "partly passed",
  failed: "failed",
  missing: "missing",
  compile_error: "compile error",
};

/** Submission ids are UUIDs; eight hex digits tell a student's attempts apart. */
export function shortId(id: string): string {
  return /^[0-9a-f]{8}-[0-9a-f-]{27}$/i.test(id) ? id.slice(0, 8) : id;
}

/** Score out of maximum, each by the one rounding rule; a null score is one withheld until the assignment releases its hidden results. */
export function formatScore(score: number | null, maxScore: number): string {
  return score === null ? `–/${formatPoints(maxScore)} (hidden)` : `${formatPoints(score)}/${formatPoints(maxScore)}`;
}

/**
 * List routes carry score and maxScore without the report; single reads carry both. The
 * submission's own score is after any late penalty, so it comes first; null there (or in the
 * report) is a score withheld until hidden results are released.
 */
export function scoreOf(submission: { score?: number | null; maxScore?: number | null; report?: PageReport | null }): string {
  const maxScore = submission.maxScore ?? submission.report?.maxScore;
  if (maxScore === null || maxScore === undefined) return "";
  const score = submission.score !== undefined ? submission.score : submission.report?.score;
  return score === undefined ? "" : formatScore(score, maxScore);
}

export function scoreBadge(exercise: Pick<ExerciseReport, "score" | "maxScore" | "status">): HTMLElement {
  return h(
    "span",
    { class: `badge status-${exercise.status}`, "data-testid": "exercise-score" },
    `${formatScore(exercise.score, exercise.maxScore)} · ${STATUS_LABEL[exercise.status]}`,
  );
}

/**
 * Case feedback of one exercise: a table, one row per case, hidden cases by name and outcome only.
 * Cases that never ran (compile error, missing export) are one line, their names behind a disclosure.
 */
export function renderCases(exercise: ExerciseReport): HTMLElement {
  if (!casesRan(exercise)) {
    return h(
      "div",
      { class: "cases" },
      h(
        "details",
        { class: "not-run", "data-testid": "not-run" },
        h("summary", {}, notRunLine(exercise)),
        h("ul", { class: "not-run-cases" }, exercise.cases.map((c) => h("li", {}, h("code", {}, c.name), c.visible ? "" : " (hidden)"))),
      ),
    );
  }
  const body = exercise.cases.map((c) =>
    h(
      "tr",
      { class: `outcome-${c.outcome}`, role: "row" },
      h("th", { scope: "row", role: "rowheader" }, h("code", {}, c.name)),
      h("td", { role: "cell" }, c.visible ? "visible" : "hidden"),
      h("td", { role: "cell" }, h("span", { class: `badge outcome-${c.outcome}` }, OUTCOME_LABEL[c.outcome])),
      h(
        "td",
        { class: "case-message", role: "cell" },
        c.message,
        c.variant ? ` (matched: ${c.variant})` : null,
        c.mistake ? h("p", { class: "mistake-hint", role: "note" }, h("strong", {}, "Likely mistake: "), c.mistake.hint) : null,
        c.printout
          ? h(
              "dl",
              { class: "printout" },
              h("dt", {}, "yours"),
              h("dd", {}, h("pre", {}, c.printout.got)),
              h("dt", {}, "expected"),
              h("dd", {}, h("pre", {}, c.printout.expected)),
            )
          : null,
        c.durationMs !== undefined ? h("span", { class: "muted" }, ` ${Math.round(c.durationMs)} ms`) : null,
      ),
    ),
  );
  return h(
    "div",
    { class: "cases" },
    exercise.message ? h("p", { class: "exercise-message", role: "note" }, exercise.message) : null,
    exercise.mistake ? h("p", { class: "mistake-hint", role: "note" }, h("strong", {}, "Every failing case: "), exercise.mistake.hint) : null,
    exercise.cases.length > 0
      ? h(
          "table",
          // The stylesheet lays rows out as grids; explicit roles keep the table for assistive technology.
          { role: "table", "aria-label": `Cases of ${exercise.id}` },
          h("caption", { class: "visually-hidden" }, `Cases of ${exercise.id}`),
          h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, ["case", "kind", "outcome", "feedback"].map((label) => h("th", { scope: "col", role: "columnheader" }, label)))),
          h("tbody", { role: "rowgroup" }, body),
        )
      : null,
  );
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], onSelect?: (d: Diagnostic) => void): HTMLElement | null {
  if (diagnostics.length === 0) return null;
  return h(
    "section",
    { class: "diagnostics", "aria-label": "Compiler messages" },
    h("h3", {}, "Compiler messages"),
    h(
      "ul",
      {},
      diagnostics.map((d) =>
        h(
          "li",
          { class: `diagnostic-${d.severity}` },
          onSelect
            ? h("button", { type: "button", class: "link", onclick: () => onSelect(d) }, `line ${d.line}:${d.column}`)
            : `line ${d.line}:${d.column}`,
          ` ${d.severity}: ${d.message}`,
        ),
      ),
    ),
  );
}

/** A whole report, for staff drill-down: total, compiler messages, then each exercise with its cases. */
export function renderReport(report: PageReport): HTMLElement {
  return h(
    "div",
    { class: "report" },
    h("p", { class: "total" }, "Total ", h("strong", { "data-testid": "report-total" }, formatScore(report.score, report.maxScore))),
    renderCompileBanner(report),
    renderDiagnostics(report.diagnostics),
    report.exercises.map((exercise) =>
      h(
        "section",
        { class: "report-exercise", "aria-label": exercise.id },
        h("h4", {}, h("code", {}, exercise.id), ` ${exercise.title} `, scoreBadge(exercise)),
        renderCases(exercise),
      ),
    ),
  );
}

import { lateText } from "./assignment-panel.ts";
import { h, replaceChildren } from "./dom.ts";
import { scoreOf, shortId } from "./report-view.ts";
import type { Submission } from "./schemas.ts";
import { diffText, sourceDiff } from "./source-diff.ts";
import { formatDateTime } from "./time.ts";

/** Attempt numbers, the first submission 1; only when the list holds every submission (no next page). */
export function attemptNumbers(newestFirst: readonly Pick<Submission, "id">[], complete: boolean): Map<string, number> {
  if (!complete) return new Map();
  return new Map(newestFirst.map((s, i) => [s.id, newestFirst.length - i]));
}

/** "submission 1a2b3c4d (attempt 2, 2026-12-04 01:02:03)": which one, in every place the page names it. */
export function describeSubmission(s: Pick<Submission, "id" | "createdAt">, attempt: number | undefined): string {
  const facts = [attempt === undefined ? null : `attempt ${attempt}`, s.createdAt === undefined ? null : formatDateTime(s.createdAt)].filter(Boolean);
  return `submission ${shortId(s.id)}${facts.length > 0 ? ` (${facts.join(", ")})` : ""}`;
}

/** The exercises a submission asked for: their ids when few, else a count with the ids in `full`. */
export function exercisesLabel(exercises: readonly string[] | null | undefined, catalogue: readonly string[]): { text: string; full: string } {
  const ids = exercises && exercises.length > 0 ? exercises : catalogue;
  const all = !exercises || exercises.length === 0 || (exercises.length === catalogue.length && catalogue.every((id) => exercises.includes(id)));
  const text = all ? `all ${ids.length} exercises` : ids.length <= 2 ? ids.join(", ") : `${ids.length} exercises`;
  return { text, full: ids.join(", ") };
}

export interface HistoryOptions {
  readonly items: readonly Submission[];
  readonly attempts: ReadonlyMap<string, number>;
  readonly catalogue: readonly string[];
  /** The submission whose report is on screen; its row is marked current. */
  readonly currentId: string | null;
  readonly onReport: (s: Submission) => void;
  readonly onEdit: (s: Submission) => void;
  /** Both sources, for the diff of an attempt against the one before it. */
  readonly sourcesOf: (newer: Submission, older: Submission) => Promise<{ newer: string; older: string }>;
  /** Ids whose diff is open: the list is redrawn on every change of the report shown, and open diffs stay open. */
  readonly openDiffs: Set<string>;
}

/** The history's table: rows laid out as cards by the stylesheet, so explicit roles keep it a table for assistive technology. */
export function historyTable(body: HTMLTableSectionElement): HTMLTableElement {
  return h(
    "table",
    { class: "history", role: "table", "aria-labelledby": "history-heading" },
    h("thead", { role: "rowgroup" }, h("tr", { role: "row" }, ["attempt", "exercises", "score", "actions"].map((label) => h("th", { scope: "col", role: "columnheader" }, label)))),
    body,
  );
}

/** The student's attempts, newest first: when, what, score, and what changed since the attempt before. */
export function renderHistory(body: HTMLTableSectionElement, options: HistoryOptions): void {
  const { items, attempts } = options;
  body.setAttribute("role", "rowgroup");
  replaceChildren(
    body,
    items.length === 0 ? h("tr", { class: "history-empty", role: "row" }, h("td", { colspan: 4, role: "cell" }, "No submissions yet.")) : null,
    items.map((s, i) => {
      const older = items[i + 1];
      const current = s.id === options.currentId;
      const name = describeSubmission(s, attempts.get(s.id));
      const exercises = exercisesLabel(s.exercises, options.catalogue);
      const diffSlot = h("td", { class: "diff-slot", colspan: 4, role: "cell" });
      return h(
        "tr",
        { class: current ? "history-item current" : "history-item", role: "row", "data-submission": s.id, ...(current ? { "aria-current": "true" } : {}) },
        h(
          "th",
          { scope: "row", role: "rowheader", class: "history-head" },
          h("strong", {}, attempts.has(s.id) ? `#${attempts.get(s.id)}` : shortId(s.id)),
          " ",
          h("time", { datetime: s.createdAt === undefined ? null : new Date(s.createdAt).toISOString() }, formatDateTime(s.createdAt)),
          " ",
          h("span", { class: "muted", title: s.id }, shortId(s.id)),
          current ? h("span", { class: "current-mark" }, " · shown") : null,
        ),
        h("td", { role: "cell", class: "history-exercises", title: exercises.full }, exercises.text),
        h("td", { role: "cell", class: "history-score" }, s.status === "graded" ? scoreOf(s) : s.status, s.late ? h("span", { class: "late" }, ` ${lateText(s)}`) : null),
        h(
          "td",
          { role: "cell", class: "actions" },
          s.status === "graded" ? h("button", { type: "button", onclick: () => options.onReport(s) }, "Report", h("span", { class: "visually-hidden" }, ` of ${name}`)) : null,
          h("button", { type: "button", onclick: () => options.onEdit(s) }, "Edit", h("span", { class: "visually-hidden" }, ` ${name}`)),
          older ? diffToggle(s, older, diffSlot, options) : null,
        ),
        diffSlot,
      );
    }),
  );
}

function diffToggle(newer: Submission, older: Submission, slot: HTMLElement, { attempts, sourcesOf, openDiffs }: HistoryOptions): HTMLElement {
  const label = `Changes since ${attempts.has(older.id) ? `#${attempts.get(older.id)}` : shortId(older.id)}`;
  const button = h("button", { type: "button", "aria-expanded": "false" }, label);
  const open = () => {
    openDiffs.add(newer.id);
    button.setAttribute("aria-expanded", "true");
    replaceChildren(slot, h("p", { class: "muted" }, "Loading the two modules…"));
    sourcesOf(newer, older).then(
      ({ newer: after, older: before }) => replaceChildren(slot, renderDiff(before, after)),
      (error: unknown) => replaceChildren(slot, h("p", { class: "error" }, `The diff could not load: ${error instanceof Error ? error.message : String(error)}`)),
    );
  };
  button.addEventListener("click", () => {
    if (button.getAttribute("aria-expanded") !== "true") return open();
    openDiffs.delete(newer.id);
    button.setAttribute("aria-expanded", "false");
    replaceChildren(slot);
  });
  if (openDiffs.has(newer.id)) open();
  return button;
}

/** Lines as text nodes in spans: a student's code never reaches innerHTML. */
function renderDiff(before: string, after: string): HTMLElement {
  const diff = sourceDiff(before, after);
  const text = diffText(diff);
  return h(
    "div",
    { class: "diff" },
    h("p", { class: "muted" }, diff.added === 0 && diff.removed === 0 ? "The same module as the attempt before." : `${diff.added} line${diff.added === 1 ? "" : "s"} added, ${diff.removed} removed`),
    diff.added + diff.removed > 0
      ? h(
          "pre",
          { class: "diff-lines", "data-testid": "diff" },
          diff.lines.map((line, i) => h("span", { class: `diff-${line.kind}` }, `${text[i]}\n`)),
        )
      : null,
  );
}

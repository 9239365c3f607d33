import type { ApiClient } from "./api.ts";
import { h, replaceChildren } from "./dom.ts";
import { formatScore, scoreOf, shortId } from "./report-view.ts";
import { waitForGrading } from "./session.ts";
import { codeView } from "./staff-code.ts";
import { newestFirst } from "./student-view.ts";
import { formatWhen } from "./time.ts";

export interface SubmissionActionsOptions {
  api: Pick<ApiClient, "getSubmission" | "regrade" | "bulkRegrade" | "listSubmissions">;
  /** Where a source is shown (the report's place). */
  reportSlot: HTMLElement;
  /** The visible confirmation of a regrade. */
  regradeStatus: HTMLElement;
  announce: (message: string) => void;
  /** How the page names a student (the LMS name beside the id, when known); absent: the open student. */
  whose: (student: string | undefined) => string;
  /** The student whose submissions are open. */
  selected: () => string | null;
  /** Course staff regrade in their launch's course; absent: every course (a staff API key). */
  course?: string;
  refresh: () => Promise<void>;
  showReport: (id: string) => Promise<void>;
}

/** A submission row's source view and the regrades, each confirmed where staff are looking, not only announced. */
export function submissionActions({ api, reportSlot, regradeStatus, announce, whose, selected, course, refresh, showReport }: SubmissionActionsOptions) {
  /** Whose and which submission, then the source as the student sent it, read-only. */
  async function showSource(id: string): Promise<void> {
    const full = await api.getSubmission(id);
    const who = whose(full.student);
    const heading = h("h3", { tabindex: -1 }, `Source of submission ${shortId(full.id)} by ${who}`);
    const facts = [full.createdAt !== undefined ? `submitted ${formatWhen(full.createdAt)}` : null, `status ${full.status}`, scoreOf(full) ? `score ${scoreOf(full)}` : null].filter(Boolean).join(" · ");
    replaceChildren(
      reportSlot,
      heading,
      h("p", { class: "source-facts", "data-testid": "source-facts" }, h("code", { title: full.id }, full.id), ` · ${facts}`),
      full.source === undefined
        ? h("p", {}, "The service sent no source for this submission.")
        : codeView(full.source, { label: `Source of submission ${shortId(full.id)} by ${who}, read-only`, testId: "source-view" }),
    );
    heading.focus();
  }

  function showRegradeStatus(kind: "pending" | "done" | "failed", ...text: (string | HTMLElement)[]): void {
    regradeStatus.hidden = false;
    regradeStatus.className = `regrade-status ${kind}`;
    replaceChildren(regradeStatus, ...text);
  }

  async function regrade(id: string): Promise<void> {
    const before = await api.getSubmission(id);
    const who = whose(before.student);
    const was = scoreOf(before);
    await api.regrade(id);
    showRegradeStatus("pending", h("strong", {}, "Regrade queued: "), `submission ${shortId(id)} of ${who}${was ? ` (now ${was})` : ""}. Waiting for the grader…`);
    announce(`Submission ${shortId(id)} queued for regrading.`);
    const done = await waitForGrading(api, id, { onStatus: () => {} });
    await refresh();
    await showReport(id);
    const result = done.report ? formatScore(done.report.score, done.report.maxScore) : done.status;
    showRegradeStatus(done.status === "graded" ? "done" : "failed", h("strong", {}, "Regraded: "), `submission ${shortId(id)} of ${who}: ${result}${was ? ` (before: ${was})` : ""}.`);
    announce(`Submission ${shortId(id)} regraded: ${result}.`);
  }

  /** Every finished submission of the open student, in the launch's course for course staff. */
  async function regradeStudent(): Promise<void> {
    const student = selected();
    if (student === null) return;
    const who = whose(student);
    const { queued } = await api.bulkRegrade({ student, ...(course === undefined ? {} : { course }) });
    const plural = (n: number) => `${n} submission${n === 1 ? "" : "s"}`;
    showRegradeStatus("pending", h("strong", {}, "Regrade queued: "), `${plural(queued)} of ${who}.${queued > 0 ? " Waiting for the grader…" : " Nothing was finished grading, so nothing was queued."}`);
    announce(`${plural(queued)} of ${who} queued for regrading.`);
    if (queued === 0) return;
    let page = await api.listSubmissions({ student });
    while (page.items.some((s) => s.status === "queued" || s.status === "running")) {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      page = await api.listSubmissions({ student });
    }
    await refresh();
    const latest = newestFirst(page.items)[0];
    const graded = page.items.filter((s) => s.status === "graded").length;
    showRegradeStatus("done", h("strong", {}, "Regraded: "), `${plural(queued)} of ${who}; ${graded} graded${latest ? `, latest ${shortId(latest.id)}: ${scoreOf(latest) || latest.status}` : ""}.`);
    announce(`${plural(queued)} of ${who} regraded.`);
  }

  return { showSource, regrade, regradeStudent, showRegradeStatus };
}

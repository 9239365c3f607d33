import { formatScore as formatPoints } from "../../grader/round-score.ts";
import { ApiError, type ApiClient } from "./api.ts";
import { mountCourseAdmin } from "./course-admin-view.ts";
import { renderAnalytics } from "./analytics-view.ts";
import { h, replaceChildren, saveFile } from "./dom.ts";
import { formatScore, renderReport, scoreOf, shortId } from "./report-view.ts";
import { GRADEBOOK_CSV_LAYOUTS, type Gradebook, type GradebookCsvLayout, type Identity, type LtiPublications, type Submission } from "./schemas.ts";
import type { LaunchScope } from "./session.ts";
import { newestFirst } from "./student-view.ts";
import { mountSimilarity } from "./similarity-view.ts";
import { submissionActions } from "./staff-actions.ts";
import { formatWhen } from "./time.ts";
import "./staff.css";

export interface StaffViewOptions {
  api: ApiClient;
  identity: Identity;
  root: HTMLElement;
  announce: (message: string) => void;
  launch?: LaunchScope | null;
}

export async function mountStaffView({ api, identity, root, announce, launch = null }: StaffViewOptions): Promise<void> {
  const administers = identity.origin !== "lti";
  /** What a regrade queued and, once graded, what it gave: visible beside the submissions, not only announced. */
  const regradeStatus = h("div", { class: "regrade-status", role: "status", "data-testid": "regrade-status", hidden: true });
  const bulkButton = h("button", { type: "button", onclick: () => void safely("Regrade", regradeStudent) }, "Regrade all");
  const coursesSlot = h("div", { class: "courses-slot" });
  const gradebookSlot = h("div", { class: "table-scroll" });
  const drillHeading = h("h2", { id: "drill-heading", tabindex: -1 });
  const submissionsSlot = h("div", { class: "table-scroll" });
  const reportSlot = h("div", { class: "report-slot" });
  const drillDown = h("section", { class: "drill-down", "aria-labelledby": "drill-heading", hidden: true }, drillHeading, submissionsSlot, reportSlot);
  const publicationsSlot = h("div", { class: "table-scroll" });
  const analyticsSlot = h("div", { class: "analytics-slot" });
  const similaritySlot = h("div", { class: "similarity-slot" });
  drillDown.insertBefore(publicationsSlot, reportSlot);
  drillDown.insertBefore(h("div", { class: "toolbar drill-toolbar" }, bulkButton), submissionsSlot);
  drillDown.insertBefore(regradeStatus, submissionsSlot);
  let selectedStudent: string | null = null;
  /** LMS display names of launched students; the gradebook itself only knows `lti-<hash>`. */
  let names = new Map<string, string>();
  const layoutSelect = h(
    "select",
    { id: "csv-layout", name: "csv-layout" },
    GRADEBOOK_CSV_LAYOUTS.map((layout) => h("option", { value: layout.id }, layout.label)),
  );

  replaceChildren(
    root,
    h(
      "div",
      { class: "staff-layout" },
      h(
        "section",
        { "aria-labelledby": "gradebook-heading" },
        h(
          "div",
          { class: "toolbar" },
          h("h2", { id: "gradebook-heading" }, "Gradebook"),
          h("button", { type: "button", onclick: () => void safely("Refresh", refresh) }, "Refresh"),
          h("label", { for: "csv-layout" }, "CSV for"),
          layoutSelect,
          h("button", { type: "button", class: "primary", onclick: () => void safely("Download", downloadCsv) }, "Download CSV"),
        ),
        h("p", { class: "hint" }, "Choose a student to see their submissions, reports and regrade them."),
        gradebookSlot,
      ),
      drillDown,
      h("section", { "aria-labelledby": "analytics-heading" }, h("h2", { id: "analytics-heading" }, "Analytics"), analyticsSlot),
      similaritySlot,
      coursesSlot,
    ),
  );
  const { showSource, regrade, regradeStudent, showRegradeStatus } = submissionActions({
    api,
    reportSlot,
    regradeStatus,
    announce,
    whose: (student) => displayName(student ?? selectedStudent ?? ""),
    selected: () => selectedStudent,
    ...(administers ? {} : { course: launch?.course ?? "default" }),
    refresh,
    showReport,
  });
  await refresh();
  await mountSimilarity({ api, root: similaritySlot, announce, course: launch?.course });
  await mountCourseAdmin({ api, root: coursesSlot, announce, administers, launch });

  async function refresh(): Promise<void> {
    // LMS names, emails and publications are administration: a course launch's staff see student ids.
    const [book, users] = await Promise.all([api.gradebook(), administers ? api.ltiUsers() : { users: [] }]);
    names = new Map(users.users.flatMap((u) => {
      const label = u.name ?? u.email;
      return label ? [[u.student, label] as const] : [];
    }));
    renderGradebook(book);
    // Course staff from the LMS see their course's numbers only (the route insists on a course for them).
    const analytics = await api.analytics(administers ? {} : { course: launch?.course ?? "default" });
    // uPlot draws at a fixed width: the slot's, up to the charts' usual 640 px, so a phone gets charts it can see whole.
    renderAnalytics(analyticsSlot, analytics, Math.max(240, Math.min(640, analyticsSlot.clientWidth || 640)));
    if (selectedStudent) await openStudent(selectedStudent, false);
  }

  function renderGradebook(book: Gradebook): void {
    replaceChildren(
      gradebookSlot,
      h(
        "table",
        { class: "gradebook" },
        h("caption", {}, `Best score per student and exercise (${book.students.length} ${book.students.length === 1 ? "student" : "students"})`),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "student"), book.exercises.map((id) => h("th", { scope: "col", class: "number" }, h("code", {}, id))), h("th", { scope: "col", class: "number" }, "total"))),
        h(
          "tbody",
          {},
          book.students.length === 0 ? h("tr", {}, h("td", { colspan: book.exercises.length + 2 }, "No submissions yet.")) : null,
          book.students.map((row) =>
            h(
              "tr",
              {},
              h("th", { scope: "row" }, h("button", { type: "button", class: "link", onclick: () => void safely("Opening the student", () => openStudent(row.student, true)) }, displayName(row.student))),
              book.exercises.map((id) => h("td", { class: "number" }, formatCell(row.scores[id]))),
              h("td", { class: "number" }, h("strong", {}, formatCell(row.total))),
            ),
          ),
        ),
      ),
    );
  }

  async function openStudent(student: string, moveFocus: boolean): Promise<void> {
    if (student !== selectedStudent) {
      replaceChildren(reportSlot);
      regradeStatus.hidden = true;
    }
    selectedStudent = student;
    bulkButton.replaceChildren(`Regrade all of ${displayName(student)}`);
    const page = await api.listSubmissions({ student });
    drillHeading.textContent = `Submissions by ${displayName(student)}`;
    replaceChildren(
      submissionsSlot,
      h(
        "table",
        { class: "submissions" },
        h("thead", {}, h("tr", {}, ["#", "when", "status", "score"].map((t) => h("th", { scope: "col" }, t)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "actions")))),
        h("tbody", {}, newestFirst(page.items).map(submissionRow)),
      ),
    );
    renderPublications(administers && names.has(student) ? (await api.ltiPublications(student)).publications : []);
    drillDown.hidden = false;
    if (moveFocus) drillHeading.focus();
  }

  function displayName(student: string): string {
    return names.has(student) ? `${names.get(student)} (${student})` : student;
  }

  /** What reached the LMS gradebook for this student: staff can see a failed or pending publication. */
  function renderPublications(publications: LtiPublications["publications"]): void {
    if (publications.length === 0) return replaceChildren(publicationsSlot);
    replaceChildren(
      publicationsSlot,
      h(
        "table",
        { class: "publications" },
        h("caption", {}, "Scores sent to the LMS gradebook"),
        h("thead", {}, h("tr", {}, ["when", "submission", "score", "state", "attempts"].map((t) => h("th", { scope: "col" }, t)))),
        h(
          "tbody",
          {},
          publications.map((p) =>
            h(
              "tr",
              {},
              h("td", {}, formatWhen(p.createdAt)),
              h("td", { title: p.submissionId }, shortId(p.submissionId)),
              h("td", { class: "number" }, formatScore(p.scoreGiven, p.scoreMaximum)),
              h("td", {}, p.state === "failed" ? `failed${p.statusCode ? ` (HTTP ${p.statusCode})` : ""}: ${p.error ?? ""}` : p.state),
              h("td", { class: "number" }, String(p.attempts)),
            ),
          ),
        ),
      ),
    );
  }

  /** Focus moves to the report so keyboard users land on what they asked for. */
  async function showReport(id: string): Promise<void> {
    const full = await api.getSubmission(id);
    const heading = h("h3", { tabindex: -1 }, `Report of submission ${shortId(full.id)}`);
    replaceChildren(
      reportSlot,
      heading,
      full.report ? renderReport(full.report) : h("p", {}, `Status: ${full.status}${full.error ? ` (${full.error})` : ""}`),
    );
    heading.focus();
  }

  /** A failed action is announced; the page stays usable. */
  async function safely(what: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      const message = `${what} failed: ${error instanceof ApiError ? error.message : String(error)}`;
      if (what === "Regrade") showRegradeStatus("failed", message);
      announce(message);
    }
  }

  function submissionRow(submission: Submission): HTMLElement {
    const label = shortId(submission.id);
    return h(
      "tr",
      {},
      h("td", { title: submission.id }, label),
      h("td", {}, formatWhen(submission.createdAt)),
      h("td", {}, submission.status),
      h("td", { class: "number" }, scoreOf(submission)),
      h(
        "td",
        { class: "actions" },
        h("button", { type: "button", onclick: () => void safely("Showing the report", () => showReport(submission.id)) }, "Report", h("span", { class: "visually-hidden" }, ` of submission ${label}`)),
        h("button", { type: "button", onclick: () => void safely("Showing the source", () => showSource(submission.id)) }, "Source", h("span", { class: "visually-hidden" }, ` of submission ${label}`)),
        h("button", { type: "button", onclick: () => void safely("Regrade", () => regrade(submission.id)) }, "Regrade", h("span", { class: "visually-hidden" }, ` submission ${label}`)),
      ),
    );
  }

  function selectedLayout(): GradebookCsvLayout {
    return GRADEBOOK_CSV_LAYOUTS.find((layout) => layout.id === layoutSelect.value)?.id ?? "canvas";
  }

  async function downloadCsv(): Promise<void> {
    const { filename, csv } = await api.gradebookCsv(selectedLayout());
    saveFile(filename, csv, "text/csv;charset=utf-8");
    announce(`Downloaded ${filename}.`);
  }
}

function formatCell(value: number | null | undefined): string {
  return value === null || value === undefined ? "–" : formatPoints(value);
}

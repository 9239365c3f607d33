import { ApiError, type ApiClient } from "./api.ts";
import { assignmentChoices, assignmentPicker, lateText, pick, renderAssignmentPanel } from "./assignment-panel.ts";
import { h, replaceChildren } from "./dom.ts";
import { createSolutionEditor, type SolutionEditor } from "./editor.ts";
import { compileFailure, renderCompileBanner } from "./compile-banner.ts";
import { attemptNumbers, describeSubmission, historyTable, renderHistory } from "./history-view.ts";
import { renderProgress } from "./progress-view.ts";
import { exerciseCard, newestFirst } from "./exercise-card.ts";
import { formatScore, renderDiagnostics, scoreOf, shortId } from "./report-view.ts";
import type { GradingProgress, Identity, PageReport, Submission } from "./schemas.ts";
import { waitForGrading, type LaunchScope } from "./session.ts";
import { formatDeadline } from "./time.ts";

// The staff page imports it from here.
export { newestFirst };

export interface StudentViewOptions {
  api: ApiClient;
  identity: Identity;
  root: HTMLElement;
  announce: (message: string) => void;
  /** An LTI launch's link: the page shows that assignment only, with no way to switch. */
  launch?: LaunchScope | null;
  /** The assignment picked from the list, outside a launch. */
  chosen?: LaunchScope;
}

export async function mountStudentView(options: StudentViewOptions): Promise<void> {
  const { api, root, announce, launch = null } = options;
  const choices = launch ? [] : await assignmentChoices(api);
  let current = launch ? await api.assignment(launch.course, launch.assignment) : pick(choices, options.chosen);
  const scope = current ? { course: current.course, assignment: current.id } : {};
  // One page of the service's largest size: attempts are numbered only when it holds them all.
  const listHistory = () => api.listSubmissions({ ...scope, limit: 200 });
  const [catalogue, history] = await Promise.all([api.exerciseCatalogue(), listHistory()]);
  const { starterModule: starter } = catalogue;
  // The link's assignment decides what is graded and shown; the rest of the catalogue is not offered here.
  const graded = current;
  const exercises = graded ? catalogue.exercises.filter((e) => graded.exercises.includes(e.id)).map((e) => ({ ...e, points: graded.points?.[e.id] ?? e.points })) : catalogue.exercises;
  const panelSlot = h("div", { class: "assignment-slot" });
  // Today's worksheet (`default` of `default`) has no dates or limits to tell about.
  const renderPanel = () => (current && !(current.course === "default" && current.id === "default") ? replaceChildren(panelSlot, renderAssignmentPanel(current, Date.now())) : undefined);
  const picker = choices.length > 1 && current ? assignmentPicker(choices, current, (next) => void mountStudentView({ ...options, chosen: next })) : null;
  let historyItems = newestFirst(history.items);
  let attempts = attemptNumbers(historyItems, !history.nextCursor);
  // List pages omit sources and reports; the newest submission is read in full.
  const newest = historyItems[0] ? await api.getSubmission(historyItems[0].id) : undefined;
  const lastSource = newest?.source;
  const sources = new Map<string, string>();
  const openDiffs = new Set<string>();
  /** The submission whose report is on screen, with its source; null after Reset or before any. */
  let shown: Submission | null = null;

  const status = h("p", { id: "submission-status", class: "status", role: "status", "aria-live": "polite" }, lastSource ? `Loaded your last submission, ${describeSubmission(newest!, attempts.get(newest!.id))}.` : "Loaded the starter module.");
  const progressSlot = h("div", { class: "progress-slot" });
  const bannerSlot = h("div", {});
  const diagnosticsSlot = h("div", {});
  const shownLine = h("p", { class: "shown-report", "data-testid": "shown-report" });
  const totalSlot = h("p", { class: "total", "data-testid": "total-score" }, "Not graded yet.");
  const historyBody = h("tbody", {});
  const submitButton = h("button", { type: "button", class: "primary", onclick: () => void submit() }, "Submit");
  const editorHost = h("div", { class: "editor-host" });
  const cards = new Map(exercises.map((e) => [e.id, exerciseCard(e)]));
  let busy = false;

  replaceChildren(
    root,
    h(
      "div",
      { class: "student-layout" },
      h(
        "section",
        { class: "editor-pane", "aria-labelledby": "editor-heading" },
        h(
          "div",
          { class: "toolbar" },
          h("h2", { id: "editor-heading" }, "Your solution module"),
          submitButton,
          h("button", { type: "button", onclick: resetToStarter }, "Reset to starter"),
          h("span", { class: "hint" }, "Ctrl+Enter submits · Tab leaves the editor"),
        ),
        editorHost,
        status,
        progressSlot,
        bannerSlot,
        diagnosticsSlot,
      ),
      h(
        "aside",
        { class: "side-pane", "aria-label": "Exercises and submissions" },
        picker,
        panelSlot,
        h("section", { "aria-labelledby": "exercises-heading" }, h("h2", { id: "exercises-heading" }, "Exercises"), shownLine, totalSlot, h("ol", { class: "exercise-list" }, [...cards.values()].map((c) => c.element))),
        h("section", { "aria-labelledby": "history-heading" }, h("h2", { id: "history-heading" }, "Your submissions"), historyTable(historyBody)),
      ),
    ),
  );

  const editor: SolutionEditor = createSolutionEditor({ parent: editorHost, source: lastSource ?? starter, label: "Solution module, TypeScript", styleNonce: styleNonce(), onSubmit: () => void submit(), onChange: () => describeShown() });
  showHistory();
  renderPanel();
  // The countdown moves on while the page stays open; a replaced view stops its timer.
  const timer = setInterval(() => (panelSlot.isConnected ? renderPanel() : clearInterval(timer)), 30_000);
  if (newest?.report) showReport(newest.report, newest);
  // A reload while the last submission is still in the queue keeps following it.
  if (newest && (newest.status === "queued" || newest.status === "running")) void run(() => follow(newest.id, newest.progress));

  /** Results of a submission say nothing about the starter: Reset clears them with the code. */
  function resetToStarter(): void {
    editor.setSource(starter);
    clearResults();
    setStatus("Loaded the starter module.");
    announce("Starter module restored; the results shown before are cleared. Undo (Ctrl+Z) brings your code back.");
  }

  function clearResults(): void {
    shown = null;
    replaceChildren(totalSlot, "Not graded yet.");
    replaceChildren(bannerSlot);
    replaceChildren(diagnosticsSlot);
    replaceChildren(progressSlot);
    editor.showDiagnostics([]);
    for (const card of cards.values()) card.clear();
    describeShown();
    showHistory();
  }

  /** Names the submission whose report is on screen, and whether the editor still holds its code. */
  function describeShown(): void {
    if (!shown) {
      replaceChildren(shownLine);
      return;
    }
    const name = describeSubmission(shown, attempts.get(shown.id));
    const source = sources.get(shown.id);
    const edited = source !== undefined && source !== editor.getSource();
    replaceChildren(
      shownLine,
      `Report of ${name}.`,
      " ",
      source === undefined ? null : h("span", { class: edited ? "edited" : "muted", "data-testid": "editor-sync" }, edited ? `The editor holds code edited since ${shortId(shown.id)}.` : "The editor holds its code."),
    );
  }

  function showHistory(): void {
    renderHistory(historyBody, {
      items: historyItems,
      attempts,
      catalogue: catalogue.exercises.map((e) => e.id),
      currentId: shown?.id ?? null,
      onReport: (s) => void safely("Showing the report", () => showSubmission(s.id)),
      onEdit: (s) => void safely("Loading the submission", () => editSubmission(s.id)),
      sourcesOf: async (newer, older) => ({ newer: await sourceOf(newer.id), older: await sourceOf(older.id) }),
      openDiffs,
    });
  }

  async function sourceOf(id: string): Promise<string> {
    const known = sources.get(id);
    if (known !== undefined) return known;
    const full = await api.getSubmission(id);
    if (full.source === undefined) throw new Error(`the service did not return the source of submission ${shortId(id)}`);
    sources.set(id, full.source);
    return full.source;
  }

  async function submit(): Promise<void> {
    await run(async () => {
      setStatus("Submitting…");
      const source = editor.getSource();
      const { id, progress } = await api.submit(current ? { source, course: current.course, assignment: current.id, exercises: [...current.exercises] } : { source });
      sources.set(id, source);
      await follow(id, progress);
    });
  }

  /** One submission followed at a time; failures end up in the status line, never as a dead page. */
  async function run(task: () => Promise<void>): Promise<void> {
    if (busy) return;
    busy = true;
    submitButton.disabled = true;
    try {
      await task();
    } catch (error) {
      setStatus(error instanceof ApiError ? `Not submitted: ${error.message}` : `Something went wrong: ${String(error)}`);
    } finally {
      busy = false;
      submitButton.disabled = false;
    }
  }

  /** Where the service reports per-exercise progress it is listed under the status; otherwise the status alone tells. */
  function showProgress(progress: GradingProgress | undefined): void {
    replaceChildren(progressSlot, renderProgress(progress));
  }

  async function follow(id: string, progress?: GradingProgress): Promise<void> {
    setStatus(`Submission ${shortId(id)} queued.`);
    showProgress(progress);
    const done = await waitForGrading(api, id, {
      onStatus: (s) => {
        if (s.status === "running") setStatus(`Submission ${shortId(id)} is being graded…`);
      },
      onPoll: (s) => showProgress(s.progress),
    });
    showProgress(undefined);
    const list = await listHistory();
    historyItems = newestFirst(list.items);
    attempts = attemptNumbers(historyItems, !list.nextCursor);
    const name = describeSubmission(done, attempts.get(id));
    if (done.status === "graded" && done.report) {
      showReport(done.report, done);
      const late = lateText(done);
      const failure = compileFailure(done.report);
      setStatus(failure ? `${capitalize(name)} did not compile: ${scoreOf(done)}.` : `${capitalize(name)} graded: ${scoreOf(done)}${late ? ` (${late})` : ""}.`);
    } else {
      setStatus(`${capitalize(name)} could not be graded${done.error ? `: ${done.error}` : ""}. Please try again.`);
    }
    if (current) {
      current = await api.assignment(current.course, current.id);
      renderPanel();
    }
    showHistory();
  }

  function setStatus(message: string): void {
    status.textContent = message;
  }

  /** The total is the submission's (after any late penalty) where the service gives it, else the report's. */
  function showReport(report: PageReport, submission?: Submission): void {
    const late = submission ? lateText(submission) : "";
    const release = submission?.resultsReleaseAt;
    replaceChildren(
      totalSlot,
      "Score ",
      h("strong", {}, submission ? scoreOf(submission) : formatScore(report.score, report.maxScore)),
      late ? h("span", { class: "late", "data-testid": "late-penalty" }, ` ${late} (before the penalty: ${formatScore(submission?.rawScore ?? report.score, report.maxScore)})`) : null,
      release ? h("span", { class: "hint" }, ` · hidden results are released on ${formatDeadline(release)}`) : null,
    );
    const goTo = (d: { line: number; column: number }) => editor.goTo(d.line, d.column);
    replaceChildren(bannerSlot, renderCompileBanner(report, goTo));
    // The banner already names a lone compiler error; the list is for more than one, and for type warnings.
    const failure = compileFailure(report);
    replaceChildren(diagnosticsSlot, failure && report.diagnostics.length <= 1 ? null : renderDiagnostics(report.diagnostics, goTo));
    editor.showDiagnostics(report.diagnostics);
    for (const card of cards.values()) card.clear();
    for (const exercise of report.exercises) cards.get(exercise.id)?.show(exercise);
    shown = submission ?? null;
    if (submission?.source !== undefined) sources.set(submission.id, submission.source);
    describeShown();
    showHistory();
  }

  async function safely(what: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      announce(`${what} failed: ${error instanceof ApiError ? error.message : String(error)}`);
    }
  }

  async function showSubmission(id: string): Promise<void> {
    const full = await api.getSubmission(id);
    const name = describeSubmission(full, attempts.get(id));
    if (!full.report) {
      setStatus(`${capitalize(name)} has no report yet.`);
      return;
    }
    showReport(full.report, full);
    setStatus(`Showing the report of ${name}: ${scoreOf(full)}.`);
  }

  /** Edit puts that submission's code in the editor and its report beside it, so the two agree. */
  async function editSubmission(id: string): Promise<void> {
    const full = await api.getSubmission(id);
    const name = describeSubmission(full, attempts.get(id));
    if (full.source === undefined) {
      setStatus(`The service did not return the source of ${name}.`);
      return;
    }
    sources.set(id, full.source);
    editor.setSource(full.source);
    if (full.report) showReport(full.report, full);
    else clearResults();
    setStatus(`Loaded ${name} into the editor${full.report ? "; its report is shown" : ""}.`);
    announce("Undo (Ctrl+Z) brings back what the editor held before.");
  }
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

function styleNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="style-nonce"]')?.content || undefined;
}

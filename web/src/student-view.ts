import { ApiError, type ApiClient } from "./api.ts";
import { assignmentChoices, assignmentPicker, lateText, pick, renderAssignmentPanel } from "./assignment-panel.ts";
import { h, replaceChildren } from "./dom.ts";
import { createSolutionEditor, type SolutionEditor } from "./editor.ts";
import { renderMarkdown } from "./markdown-dom.ts";
import { formatScore, renderCases, renderDiagnostics, scoreBadge, scoreOf, shortId } from "./report-view.ts";
import type { ExerciseDetail, ExerciseReport, Identity, PageReport, Submission } from "./schemas.ts";
import { waitForGrading, type LaunchScope } from "./session.ts";
import { formatDeadline, formatWhen } from "./time.ts";

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
  const [catalogue, history] = await Promise.all([api.exerciseCatalogue(), api.listSubmissions(scope)]);
  const { starterModule: starter } = catalogue;
  // The link's assignment decides what is graded and shown; the rest of the catalogue is not offered here.
  const graded = current;
  const exercises = graded ? catalogue.exercises.filter((e) => graded.exercises.includes(e.id)).map((e) => ({ ...e, points: graded.points?.[e.id] ?? e.points })) : catalogue.exercises;
  const panelSlot = h("div", { class: "assignment-slot" });
  // Today's worksheet (`default` of `default`) has no dates or limits to tell about.
  const renderPanel = () => (current && !(current.course === "default" && current.id === "default") ? replaceChildren(panelSlot, renderAssignmentPanel(current, Date.now())) : undefined);
  const picker = choices.length > 1 && current ? assignmentPicker(choices, current, (next) => void mountStudentView({ ...options, chosen: next })) : null;
  const latest = newestFirst(history.items);
  // List pages omit sources and reports; the newest submission is read in full.
  const newest = latest[0] ? await api.getSubmission(latest[0].id) : undefined;
  const lastSource = newest?.source;

  const status = h("p", { id: "submission-status", class: "status", role: "status", "aria-live": "polite" }, lastSource ? "Loaded your last submission." : "Loaded the starter module.");
  const diagnosticsSlot = h("div", {});
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
        diagnosticsSlot,
      ),
      h(
        "aside",
        { class: "side-pane", "aria-label": "Exercises and submissions" },
        picker,
        panelSlot,
        h("section", { "aria-labelledby": "exercises-heading" }, h("h2", { id: "exercises-heading" }, "Exercises"), totalSlot, h("ol", { class: "exercise-list" }, [...cards.values()].map((c) => c.element))),
        h(
          "section",
          { "aria-labelledby": "history-heading" },
          h("h2", { id: "history-heading" }, "Your submissions"),
          h("table", { class: "history" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "#"), h("th", { scope: "col" }, "when"), h("th", { scope: "col" }, "score"), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "actions")))), historyBody),
        ),
      ),
    ),
  );

  const editor: SolutionEditor = createSolutionEditor({ parent: editorHost, source: lastSource ?? starter, label: "Solution module, TypeScript", styleNonce: styleNonce(), onSubmit: () => void submit() });
  renderHistory(latest);
  renderPanel();
  // The countdown moves on while the page stays open; a replaced view stops its timer.
  const timer = setInterval(() => (panelSlot.isConnected ? renderPanel() : clearInterval(timer)), 30_000);
  if (newest?.report) showReport(newest.report, newest);
  // A reload while the last submission is still in the queue keeps following it.
  if (newest && (newest.status === "queued" || newest.status === "running")) void run(() => follow(newest.id));

  function resetToStarter(): void {
    editor.setSource(starter);
    announce("Starter module restored. Undo (Ctrl+Z) brings your code back.");
  }

  async function submit(): Promise<void> {
    await run(async () => {
      setStatus("Submitting…");
      const { id } = await api.submit(current ? { source: editor.getSource(), course: current.course, assignment: current.id, exercises: [...current.exercises] } : { source: editor.getSource() });
      await follow(id);
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

  async function follow(id: string): Promise<void> {
    setStatus(`Submission ${shortId(id)} queued.`);
    const done = await waitForGrading(api, id, {
      onStatus: (s) => {
        if (s.status === "running") setStatus(`Submission ${shortId(id)} is being graded…`);
      },
    });
    if (done.status === "graded" && done.report) {
      showReport(done.report, done);
      const late = lateText(done);
      setStatus(`Submission ${shortId(id)} graded: ${scoreOf(done)}${late ? ` (${late})` : ""}.`);
    } else {
      setStatus(`Submission ${shortId(id)} could not be graded${done.error ? `: ${done.error}` : ""}. Please try again.`);
    }
    if (current) {
      current = await api.assignment(current.course, current.id);
      renderPanel();
    }
    renderHistory(newestFirst((await api.listSubmissions(scope)).items));
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
    replaceChildren(diagnosticsSlot, renderDiagnostics(report.diagnostics, (d) => editor.goTo(d.line, d.column)));
    editor.showDiagnostics(report.diagnostics);
    for (const card of cards.values()) card.clear();
    for (const exercise of report.exercises) cards.get(exercise.id)?.show(exercise);
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
    if (full.report) {
      showReport(full.report, full);
      announce(`Showing the report of submission ${shortId(id)}.`);
    }
  }

  async function editSubmission(id: string): Promise<void> {
    const full = await api.getSubmission(id);
    if (full.source === undefined) {
      announce(`The service did not return the source of submission ${shortId(id)}.`);
      return;
    }
    editor.setSource(full.source);
    announce(`Submission ${shortId(id)} loaded into the editor. Undo (Ctrl+Z) brings back what was there.`);
  }

  function renderHistory(items: readonly Submission[]): void {
    replaceChildren(
      historyBody,
      items.length === 0 ? h("tr", {}, h("td", { colspan: 4 }, "No submissions yet.")) : null,
      items.map((s) =>
        h(
          "tr",
          {},
          h("td", { title: s.id }, shortId(s.id)),
          h("td", {}, formatWhen(s.createdAt)),
          h("td", {}, s.status === "graded" ? scoreOf(s) : s.status, s.late ? h("span", { class: "late" }, ` ${lateText(s)}`) : null),
          h(
            "td",
            { class: "actions" },
            s.status === "graded" ? h("button", { type: "button", onclick: () => void safely("Showing the report", () => showSubmission(s.id)) }, "Report", h("span", { class: "visually-hidden" }, ` of submission ${shortId(s.id)}`)) : null,
            h("button", { type: "button", onclick: () => void safely("Loading the submission", () => editSubmission(s.id)) }, "Edit", h("span", { class: "visually-hidden" }, ` submission ${shortId(s.id)}`)),
          ),
        ),
      ),
    );
  }
}

function exerciseCard(exercise: ExerciseDetail) {
  const idleBadge = () => h("span", { class: "badge status-none" }, `${exercise.points} points`);
  let badge = idleBadge();
  const feedback = h("div", { class: "feedback" });
  const element = h(
    "li",
    { class: "exercise", id: `exercise-${exercise.id}`, "data-exercise": exercise.id },
    h("h3", {}, h("code", {}, exercise.id), " ", exercise.title, " ", badge),
    h(
      "details",
      {},
      h("summary", {}, "Description", h("span", { class: "visually-hidden" }, ` of ${exercise.id}`)),
      renderMarkdown(exercise.description),
      exercise.signature ? h("pre", { class: "signature" }, h("code", {}, exercise.signature)) : null,
    ),
    feedback,
  );
  const setBadge = (next: HTMLElement) => {
    badge.replaceWith(next);
    badge = next;
  };
  return {
    element,
    clear() {
      setBadge(idleBadge());
      replaceChildren(feedback);
    },
    show(result: ExerciseReport) {
      setBadge(scoreBadge(result));
      replaceChildren(feedback, renderCases(result));
    },
  };
}

function styleNonce(): string | undefined {
  return document.querySelector<HTMLMetaElement>('meta[name="style-nonce"]')?.content || undefined;
}

/** Newest first by creation time when the service gives it; otherwise the service's own order. */
export function newestFirst(items: readonly Submission[]): Submission[] {
  if (!items.every((s) => s.createdAt !== undefined)) return [...items];
  const time = (s: Submission) => (typeof s.createdAt === "number" ? s.createdAt : Date.parse(String(s.createdAt)));
  return [...items].sort((a, b) => time(b) - time(a));
}


import { ApiError, type ApiClient } from "./api.ts";
import { h, replaceChildren, saveFile } from "./dom.ts";
import type { SimilarityAnswer, SimilarityPair } from "./schemas.ts";
import { codeView, fragmentClass } from "./staff-code.ts";
import { formatWhen } from "./time.ts";

export interface SimilarityViewOptions {
  api: Pick<ApiClient, "courses" | "assignments" | "getSubmission" | "similarity" | "similarityFile">;
  root: HTMLElement;
  announce: (message: string) => void;
  /** The launch's course, chosen first. */
  course?: string | undefined;
  /** Between polls while the comparison runs; tests shorten it. */
  pollMs?: number;
}

const NOTICE = "Similarity is evidence for a person to judge, not a verdict.";
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const sharing = (n: number) => (n === 1 ? "1 pair shares code" : `${n} pairs share code`);

/**
 * The similarity panel: for one course and assignment, the pairs of students whose latest
 * submissions share the most code, and for a chosen pair both sources side by side with the shared
 * fragments marked. The notice stays above everything: a high percentage is a reason to read the
 * code, not a finding.
 */
export async function mountSimilarity({ api, root, announce, course: preferred, pollMs = 2000 }: SimilarityViewOptions): Promise<void> {
  const courses = (await api.courses()).filter((c) => c.role === "instructor" || c.role === "ta");
  const courseSelect = h("select", { id: "similarity-course", name: "similarity-course", "aria-label": "Course to compare" }, courses.map((c) => h("option", { value: c.id, selected: c.id === preferred }, `${c.title} (${c.id})`)));
  const assignmentSelect = h("select", { id: "similarity-assignment", name: "similarity-assignment", "aria-label": "Assignment to compare" });
  const compareButton = h("button", { type: "button", class: "primary" }, "Compare submissions");
  const state = h("p", { class: "similarity-state", "data-testid": "similarity-state", role: "status" });
  const downloads = h("div", { class: "similarity-downloads", hidden: true },
    h("button", { type: "button", onclick: () => void download("csv") }, "Download CSV"),
    h("button", { type: "button", onclick: () => void download("html") }, "Download HTML report"));
  const tableSlot = h("div", { class: "table-scroll" });
  const pairHeading = h("h3", { id: "similarity-pair-heading", tabindex: -1 });
  const pairSlot = h("div", { class: "similarity-pair-body" });
  const pairSection = h("section", { class: "similarity-pair", "aria-labelledby": "similarity-pair-heading", hidden: true }, pairHeading, pairSlot);
  /** A newer request (another assignment, a later poll) makes an older one's answer moot. */
  let generation = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  replaceChildren(
    root,
    h("section", { class: "similarity-panel", "aria-labelledby": "similarity-heading", "data-testid": "similarity-panel" },
      h("div", { class: "toolbar" },
        h("h2", { id: "similarity-heading" }, "Similarity"),
        h("label", { for: "similarity-course" }, "Course"), courseSelect,
        h("label", { for: "similarity-assignment" }, "Assignment"), assignmentSelect,
        compareButton),
      h("p", { class: "similarity-notice", role: "note", "data-testid": "similarity-notice" }, h("strong", {}, NOTICE),
        " Students who follow the same worksheet write alike, and short or standard solutions match by themselves. The starter code and staff's own submissions are left out. Read the highlighted code before drawing any conclusion."),
      state, downloads, tableSlot, pairSection),
  );
  if (courses.length === 0) {
    state.textContent = "You are staff of no course.";
    compareButton.disabled = true;
    return;
  }

  /** A course chosen while an earlier course's assignments are still loading wins. */
  let loading = 0;
  async function loadAssignments(): Promise<void> {
    const mine = ++loading;
    const assignments = await api.assignments(courseSelect.value);
    if (mine !== loading) return;
    replaceChildren(assignmentSelect, assignments.map((a) => h("option", { value: a.id }, `${a.title} (${a.id})`)));
  }
  await loadAssignments();
  courseSelect.addEventListener("change", () => void act(loadAssignments));
  compareButton.addEventListener("click", () => void act(() => ask(true)));

  async function act(task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      state.textContent = `Similarity failed: ${message}`;
      announce(`Similarity failed: ${message}`);
    }
  }

  async function ask(fresh: boolean): Promise<void> {
    clearTimeout(timer);
    const mine = ++generation;
    const course = courseSelect.value;
    const assignment = assignmentSelect.value;
    if (fresh) {
      pairSection.hidden = true;
      replaceChildren(tableSlot);
      downloads.hidden = true;
      state.textContent = `Asking for ${course} / ${assignment}…`;
    }
    const answer = await api.similarity(course, assignment);
    if (mine !== generation) return;
    if (answer.status === "computing") {
      state.textContent = `Computing… comparing the latest submissions of ${answer.submissions} students; this page asks again every few seconds.`;
      if (fresh) announce("Similarity is being computed.");
    } else {
      render(answer);
    }
    if (answer.status === "computing" || answer.recomputing) timer = setTimeout(() => void act(() => ask(false)), pollMs);
  }

  function render(answer: Extract<SimilarityAnswer, { status: "ready" }>): void {
    const when = formatWhen(answer.computedAt);
    state.textContent = answer.stale
      ? `Computed ${when} over ${answer.submissions} students; students have submitted since${answer.recomputing ? ", so it is being computed again (this page asks again every few seconds)" : ""}.`
      : `Computed ${when} over the latest submissions of ${answer.submissions} students: ${sharing(answer.totalPairs)}${answer.totalPairs > answer.pairs.length ? `, the top ${answer.pairs.length} shown` : ""}.`;
    downloads.hidden = false;
    if (!answer.stale || !answer.recomputing) announce(`Similarity ready: ${sharing(answer.totalPairs)}.`);
    replaceChildren(
      tableSlot,
      answer.warnings.map((w) => h("p", { class: "hint" }, w)),
      h("table", { class: "similarity-pairs" },
        h("caption", {}, `${answer.course} / ${answer.assignment}: most similar first`),
        h("thead", {}, h("tr", {}, ["#", "students", "similarity", "longest fragment"].map((t) => h("th", { scope: "col", class: t === "students" ? null : "number" }, t)), h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "actions")))),
        h("tbody", {},
          answer.pairs.length === 0 ? h("tr", {}, h("td", { colspan: 5 }, "No two students share code beyond the starter.")) : null,
          answer.pairs.map((p, i) => h("tr", {},
            h("td", { class: "number" }, String(i + 1)),
            h("td", {}, `${p.left} ↔ ${p.right}`),
            h("td", { class: "number" }, percent(p.similarity)),
            h("td", { class: "number" }, `${p.longest} k-grams`),
            h("td", { class: "actions" }, h("button", { type: "button", onclick: () => void act(() => showPair(p, i + 1)) }, "Side by side", h("span", { class: "visually-hidden" }, ` ${p.left} and ${p.right}`))))))),
    );
  }

  async function showPair(pair: SimilarityPair, rank: number): Promise<void> {
    const [left, right] = await Promise.all([api.getSubmission(pair.leftSubmission), api.getSubmission(pair.rightSubmission)]);
    pairHeading.textContent = `#${rank}: ${pair.left} ↔ ${pair.right}, similarity ${percent(pair.similarity)}`;
    const views = [
      codeView(left.source ?? "", { label: `Source of ${pair.left}, shared fragments marked`, spans: pair.fragments.map((f) => f.left), testId: "similarity-source" }),
      codeView(right.source ?? "", { label: `Source of ${pair.right}, shared fragments marked`, spans: pair.fragments.map((f) => f.right), testId: "similarity-source" }),
    ] as const;
    const side = (who: string, submission: typeof left, view: HTMLElement) =>
      h("div", { class: "similarity-side" },
        h("h4", {}, `${who}: submission `, h("code", { title: submission.id }, submission.id.slice(0, 8)), submission.createdAt !== undefined ? `, ${formatWhen(submission.createdAt)}` : ""),
        view);
    /** Both sources scrolled to the fragment, inside their own boxes (the page stays where it is). */
    const jump = (f: SimilarityPair["fragments"][number]) => {
      for (const [view, row] of [[views[0], f.left.startRow], [views[1], f.right.startRow]] as const) {
        const line = view.querySelectorAll<HTMLElement>(".code-line")[row];
        if (line) view.scrollTop = Math.max(0, line.offsetTop - 24);
      }
    };
    replaceChildren(
      pairSlot,
      pair.fragments.length === 0
        ? h("p", { class: "hint" }, "Fragments are marked for the top pairs only; this pair's shared code is not highlighted.")
        : h("ol", { class: "similarity-fragments" }, pair.fragments.map((f, i) => h("li", {},
            h("button", { type: "button", class: "link", onclick: () => jump(f) }, h("mark", { class: fragmentClass(i) }, `fragment ${i + 1}`)),
            `: ${f.kgrams} k-grams, lines ${f.left.startRow + 1}–${f.left.endRow + 1} ↔ ${f.right.startRow + 1}–${f.right.endRow + 1}`))),
      h("div", { class: "similarity-sides" }, side(pair.left, left, views[0]), side(pair.right, right, views[1])),
    );
    const first = pair.fragments[0];
    pairSection.hidden = false;
    if (first) jump(first);
    pairHeading.focus();
  }

  async function download(format: "csv" | "html"): Promise<void> {
    await act(async () => {
      const file = await api.similarityFile(courseSelect.value, assignmentSelect.value, format);
      saveFile(file.filename, file.text, file.type);
      announce(`Downloaded ${file.filename}.`);
    });
  }
}

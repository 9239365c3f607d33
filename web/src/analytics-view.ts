import uPlot from "uplot";
import { h, replaceChildren } from "./dom.ts";

/**
 * The staff's analytics charts (GET /v1/analytics): per exercise, each case's pass rate as bars and
 * the mistakes by students affected. uPlot because it is small (about 50 kB), dependency-free,
 * canvas-based (no inline styles or scripts for the page's CSP to refuse) and actively kept; each
 * chart has a table beside it, so the numbers are there for screen readers too.
 */
export interface AnalyticsData {
  readonly catalogueVersions: readonly string[];
  readonly exercises: readonly {
    readonly id: string;
    readonly submissions: number;
    readonly students: number;
    readonly studentsWithFullMarks: number;
    readonly medianAttemptsToFullMarks: number | null;
    readonly cases: readonly { readonly name: string; readonly visible: boolean; readonly attempts: number; readonly passRate: number }[];
    readonly mistakes: readonly { readonly id: string; readonly hint: string; readonly students: number }[];
  }[];
}

const TOP_MISTAKES = 8;

function barChart(title: string, labels: readonly string[], values: readonly number[], yMax: number | null, width: number): HTMLElement {
  const slot = h("figure", { class: "analytics-chart", "data-chart": title });
  const xs = labels.map((_, i) => i + 1);
  new uPlot(
    {
      title,
      width,
      height: 220,
      legend: { show: false },
      cursor: { show: false },
      scales: { x: { time: false, range: [0.5, labels.length + 0.5] }, y: { range: [0, yMax ?? Math.max(1, ...values)] } },
      axes: [{ values: (_u, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : "")) }, {}],
      series: [{}, { label: title, fill: "#2563eb", stroke: "#1d4ed8", paths: uPlot.paths.bars?.({ size: [0.7, 60] }), points: { show: false } }],
    },
    [xs, [...values]],
    slot,
  );
  const legend = h(
    "ol",
    { class: "analytics-legend" },
    labels.map((label, i) => h("li", {}, h("code", {}, label), `: ${values[i]}`)),
  );
  slot.append(h("figcaption", {}, legend));
  return slot;
}

/** Renders every exercise's charts into `root`, replacing what was there. */
export function renderAnalytics(root: HTMLElement, data: AnalyticsData, width = 640): void {
  const sections = data.exercises.map((e) => {
    const summary = `${e.submissions} submissions from ${e.students} students; ${e.studentsWithFullMarks} reached full marks${e.medianAttemptsToFullMarks === null ? "" : ` (median ${e.medianAttemptsToFullMarks} attempts)`}.`;
    const mistakes = e.mistakes.slice(0, TOP_MISTAKES);
    return h(
      "section",
      { class: "analytics-exercise", "data-exercise": e.id },
      h("h3", {}, e.id),
      h("p", {}, summary),
      barChart(`${e.id}: pass rate per case`, e.cases.map((c) => c.name), e.cases.map((c) => c.passRate), 1, width),
      mistakes.length > 0
        ? barChart(`${e.id}: students per mistake`, mistakes.map((m) => m.id), mistakes.map((m) => m.students), null, width)
        : h("p", { class: "muted" }, "No known mistake diagnosed."),
    );
  });
  const versions = data.catalogueVersions.length > 1 ? h("p", { class: "hint", role: "note" }, `Reports from ${data.catalogueVersions.length} catalogue versions are mixed: ${data.catalogueVersions.join(", ")}.`) : null;
  replaceChildren(root, h("div", { class: "analytics" }, versions, sections.length > 0 ? sections : h("p", { class: "muted" }, "No graded submissions match.")));
}

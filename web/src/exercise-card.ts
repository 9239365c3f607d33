import { h, replaceChildren } from "./dom.ts";
import { renderMarkdown } from "./markdown-dom.ts";
import { renderCases, scoreBadge } from "./report-view.ts";
import type { ExerciseDetail, ExerciseReport, Submission } from "./schemas.ts";

/** One exercise on the student page: its description, its badge and the feedback of the report shown. */
export function exerciseCard(exercise: ExerciseDetail) {
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

/** Newest first by creation time when the service gives it; otherwise the service's own order. */
export function newestFirst(items: readonly Submission[]): Submission[] {
  if (!items.every((s) => s.createdAt !== undefined)) return [...items];
  const time = (s: Submission) => (typeof s.createdAt === "number" ? s.createdAt : Date.parse(String(s.createdAt)));
  return [...items].sort((a, b) => time(b) - time(a));
}


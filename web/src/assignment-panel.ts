import { ApiError, type ApiClient } from "./api.ts";
import { h } from "./dom.ts";
import type { Assignment, LatePenalty, Submission } from "./schemas.ts";
import type { LaunchScope } from "./session.ts";
import { countdown, formatDeadline } from "./time.ts";

export function penaltyText(penalty: LatePenalty): string {
  const [rate, unit] = penalty.percentPerHour !== undefined ? [penalty.percentPerHour, "hour"] : [penalty.percentPerDay ?? 0, "day"];
  return `−${rate}% per started ${unit} late, at most −${penalty.maxPercent}%`;
}

/** The deadline that applies to this student: their extension's when they have one. */
function deadlines(a: Assignment): { dueAt: string | null; lateUntil: string | null; extended: boolean } {
  if (a.extension) return { dueAt: a.extension.dueAt, lateUntil: a.extension.lateUntil, extended: true };
  return { dueAt: a.dueAt ?? null, lateUntil: a.lateUntil ?? null, extended: false };
}

/** What a student needs to know before submitting: due date in their zone, time left, attempts, lateness and release. */
export function renderAssignmentPanel(a: Assignment, now: number): HTMLElement {
  const { dueAt, lateUntil, extended } = deadlines(a);
  const left = dueAt ? countdown(dueAt, now) : null;
  const lateLeft = lateUntil ? countdown(lateUntil, now) : null;
  const used = a.attempts?.used ?? 0;
  const max = a.attempts?.max ?? a.maxAttempts ?? null;
  const nextAllowed = a.attempts?.nextAllowedAt ?? null;
  const release = a.hiddenResults === "immediately" ? null : a.hiddenResults === "never" ? "never" : (a.resultsReleaseAt ?? dueAt);
  return h(
    "section",
    { class: "assignment-panel", "aria-labelledby": "assignment-heading", "data-testid": "assignment-panel" },
    h("h2", { id: "assignment-heading" }, a.title),
    h(
      "dl",
      { class: "facts" },
      dueAt
        ? [
            h("dt", {}, extended ? "Due (your extension)" : "Due"),
            h("dd", { "data-testid": "due-at" }, formatDeadline(dueAt), " ", h("span", { class: left ? "countdown" : "countdown past", "data-testid": "countdown" }, left ? `${left} left` : "passed")),
          ]
        : [h("dt", {}, "Due"), h("dd", {}, "no due date")],
      lateUntil
        ? [
            h("dt", {}, "Late until"),
            h("dd", {}, formatDeadline(lateUntil), lateLeft && !left ? ` (${lateLeft} left)` : "", a.latePenalty ? h("br", {}) : null, a.latePenalty ? penaltyText(a.latePenalty) : null),
          ]
        : null,
      h("dt", {}, "Attempts"),
      h(
        "dd",
        { "data-testid": "attempts-left" },
        max === null ? `unlimited (${used} used)` : `${Math.max(0, max - used)} of ${max} left`,
        nextAllowed && Date.parse(nextAllowed) > now ? `; next from ${formatDeadline(nextAllowed)}` : "",
      ),
      release === null
        ? null
        : [h("dt", {}, "Hidden cases"), h("dd", { "data-testid": "release" }, release === "never" ? "hidden results are not shown" : `hidden results are released on ${formatDeadline(release)}`)],
    ),
  );
}

/** A submission's lateness, as its history row says it: "late 61 min, −20%". */
export function lateText(submission: Pick<Submission, "late">): string {
  const late = submission.late;
  if (!late) return "";
  const hours = Math.floor(late.minutes / 60);
  const duration = hours >= 48 ? `${Math.floor(hours / 24)} days` : hours > 0 ? `${hours} h ${late.minutes % 60} min` : `${late.minutes} min`;
  return `late ${duration}, −${late.penaltyPercent}%`;
}

/** Assignments the student may pick outside a launch; the service without courses answers 404 and the page works as before. */
export async function assignmentChoices(api: ApiClient): Promise<Assignment[]> {
  try {
    const courses = await api.courses();
    return (await Promise.all(courses.map((c) => api.assignments(c.id)))).flat();
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return [];
    throw error;
  }
}

/** The chosen assignment, else `default` of `default` (today's worksheet), else the first one offered. */
export function pick(choices: readonly Assignment[], chosen: LaunchScope | undefined): Assignment | null {
  const find = (course: string, id: string) => choices.find((a) => a.course === course && a.id === id);
  return (chosen && find(chosen.course, chosen.assignment)) ?? find("default", "default") ?? choices[0] ?? null;
}

export function assignmentPicker(choices: readonly Assignment[], current: Assignment, onPick: (next: LaunchScope) => void): HTMLElement {
  const select = h(
    "select",
    { id: "assignment-choice", name: "assignment-choice" },
    choices.map((a) => h("option", { value: `${a.course}/${a.id}`, selected: a.course === current.course && a.id === current.id }, a.course === "default" ? a.title : `${a.course}: ${a.title}`)),
  );
  select.addEventListener("change", () => {
    const [course, assignment] = select.value.split("/") as [string, string];
    onPick({ course, assignment });
  });
  return h("div", { class: "assignment-choice" }, h("label", { for: "assignment-choice" }, "Assignment "), select);
}

import type { ExerciseId } from "../../exercises/types.ts";
import { assignmentBody, assignmentPolicy } from "../policy/index.ts";
import type { AssignmentPolicy } from "../storage/course-types.ts";

/**
 * The assignment part of the instructor's deep-linking form, turned into the body of
 * `PUT /v1/courses/:course/assignments/:assignment` and checked by the same schema. Every field
 * arrives as a string (an HTML form); empty means "not set". The page's script posts each date as
 * ISO 8601 with its zone (`dueAt`); without script only the datetime-local value (`dueAtLocal`)
 * arrives, and it is read as UTC, as the form then says.
 */
export type AssignmentFromForm =
  | { readonly ok: true; readonly policy: AssignmentPolicy }
  | { readonly ok: false; readonly field: string; readonly message: string };

const LOCAL_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

function text(raw: Record<string, unknown>, name: string): string | undefined {
  const value = raw[name];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

function date(raw: Record<string, unknown>, name: string): string | undefined {
  const iso = text(raw, name);
  if (iso !== undefined) return iso;
  const local = text(raw, `${name}Local`);
  if (local === undefined) return undefined;
  // Anything else is passed on unchanged for the schema to refuse by name.
  return LOCAL_DATE.test(local) ? `${local.length === 16 ? `${local}:00` : local}Z` : local;
}

/** A number field: non-numeric text stays text, so the schema's message names the field. */
function number(raw: Record<string, unknown>, name: string): number | string | undefined {
  const value = text(raw, name);
  if (value === undefined) return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : value;
}

export function assignmentFromForm(raw: Record<string, unknown>, id: string, exercises: readonly ExerciseId[] | null, defaultTitle: string): AssignmentFromForm {
  const percent = number(raw, "penaltyPercent");
  const unit = text(raw, "penaltyUnit") === "hour" ? "percentPerHour" : "percentPerDay";
  const body = {
    title: text(raw, "title") ?? defaultTitle,
    ...(exercises === null ? {} : { exercises: [...exercises] }),
    dueAt: date(raw, "dueAt"),
    lateUntil: date(raw, "lateUntil"),
    // A penalty of 0 is no penalty; the cap defaults to all of it.
    ...(percent === undefined || percent === 0 ? {} : { latePenalty: { [unit]: percent, maxPercent: number(raw, "penaltyMax") ?? 100 } }),
    maxAttempts: number(raw, "maxAttempts"),
    minMinutesBetween: number(raw, "minMinutesBetween"),
    hiddenResults: text(raw, "hiddenResults"),
    scorePolicy: text(raw, "scorePolicy"),
  };
  const defined = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
  const parsed = assignmentBody.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "assignment";
    return { ok: false, field, message: issue.message.includes(field) ? issue.message : `${field}: ${issue.message}` };
  }
  return { ok: true, policy: assignmentPolicy(id, parsed.data) };
}

import { z } from "zod";
import { EXERCISE_IDS } from "../../exercises/types.ts";
import { exerciseId } from "../schemas.ts";
import { HIDDEN_RESULTS, SCORE_POLICIES, type AssignmentPolicy, type LatePenalty } from "../storage/course-types.ts";

/**
 * The body of `PUT /v1/courses/:course/assignments/:assignment` (and what the LTI deep-linking form
 * builds): dates ISO 8601 with an offset, stored as UTC epoch milliseconds. Absent fields mean none
 * (no date, no limit); absent exercises mean the whole catalogue.
 */
const isoDate = (field: string) =>
  z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 date-time with a time zone, e.g. 2026-12-03T18:00:00Z` }).describe(`${field} (ISO 8601)`);

const percent = (field: string) =>
  z.number({ error: `${field} must be a number` }).min(0, `${field} must be between 0 and 100`).max(100, `${field} must be between 0 and 100`);

export const latePenaltyBody = z
  .strictObject({
    percentPerHour: percent("latePenalty.percentPerHour").optional(),
    percentPerDay: percent("latePenalty.percentPerDay").optional(),
    maxPercent: percent("latePenalty.maxPercent"),
  })
  .refine((p) => (p.percentPerHour === undefined) !== (p.percentPerDay === undefined), {
    error: "latePenalty: give exactly one of percentPerHour and percentPerDay",
    path: ["percentPerHour"],
  })
  .describe("Charged per started hour or day late, at most maxPercent");

export const assignmentBody = z
  .strictObject({
    title: z.string().min(1).max(200).optional(),
    exercises: z
      .array(exerciseId)
      .min(1, "exercises: list at least one exercise")
      .max(EXERCISE_IDS.length, `exercises: at most the ${EXERCISE_IDS.length} of the catalogue`)
      .optional()
      .describe("Catalogue ids (default: all)"),
    points: z.partialRecord(exerciseId, z.number().positive().max(10_000)).optional().describe("Points per exercise where they differ from the catalogue's"),
    opensAt: isoDate("opensAt").optional(),
    dueAt: isoDate("dueAt").optional(),
    lateUntil: isoDate("lateUntil").optional().describe("End of the late window (ISO 8601); without it submissions close at dueAt"),
    latePenalty: latePenaltyBody.optional(),
    maxAttempts: z.number().int("maxAttempts must be a whole number").min(1, "maxAttempts must be at least 1").optional(),
    minMinutesBetween: z.number().int().min(1, "minMinutesBetween must be at least 1").max(525_600).optional(),
    hiddenResults: z.enum(HIDDEN_RESULTS).default("immediately"),
    scorePolicy: z.enum(SCORE_POLICIES).default("best"),
  })
  .superRefine((body, ctx) => {
    const at = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));
    const [opensAt, dueAt, lateUntil] = [at(body.opensAt), at(body.dueAt), at(body.lateUntil)];
    if (lateUntil !== undefined && dueAt === undefined) ctx.addIssue({ code: "custom", path: ["lateUntil"], message: "lateUntil needs a dueAt" });
    if (lateUntil !== undefined && dueAt !== undefined && dueAt > lateUntil) ctx.addIssue({ code: "custom", path: ["dueAt"], message: "dueAt is after lateUntil" });
    if (opensAt !== undefined && dueAt !== undefined && opensAt >= dueAt) ctx.addIssue({ code: "custom", path: ["opensAt"], message: "opensAt must be before dueAt" });
    for (const id of Object.keys(body.points ?? {})) {
      if (body.exercises && !body.exercises.includes(id as (typeof body.exercises)[number])) {
        ctx.addIssue({ code: "custom", path: ["points", id], message: `points: ${id} is not one of the assignment's exercises` });
      }
    }
  });
export type AssignmentBody = z.infer<typeof assignmentBody>;

function penaltyOf(body: NonNullable<AssignmentBody["latePenalty"]>): LatePenalty {
  return body.percentPerHour !== undefined
    ? { unit: "hour", percentPerUnit: body.percentPerHour, maxPercent: body.maxPercent }
    : { unit: "day", percentPerUnit: body.percentPerDay ?? 0, maxPercent: body.maxPercent };
}

const ms = (iso: string | undefined) => (iso === undefined ? null : Date.parse(iso));

export function assignmentPolicy(id: string, body: AssignmentBody): AssignmentPolicy {
  return {
    title: body.title ?? id,
    exercises: body.exercises ? [...new Set(body.exercises)] : null,
    points: body.points ?? null,
    opensAt: ms(body.opensAt),
    dueAt: ms(body.dueAt),
    lateUntil: ms(body.lateUntil),
    latePenalty: body.latePenalty ? penaltyOf(body.latePenalty) : null,
    maxAttempts: body.maxAttempts ?? null,
    minMinutesBetween: body.minMinutesBetween ?? null,
    hiddenResults: body.hiddenResults,
    scorePolicy: body.scorePolicy,
  };
}

const iso = (at: number | null) => (at === null ? undefined : new Date(at).toISOString());

/** The body that stores this policy again: the API's answer, and the CLI's `assignment list`. */
export function assignmentBodyOf(policy: AssignmentPolicy): AssignmentBody {
  const dates = { opensAt: iso(policy.opensAt), dueAt: iso(policy.dueAt), lateUntil: iso(policy.lateUntil) };
  const penalty = policy.latePenalty;
  return {
    title: policy.title,
    ...(policy.exercises ? { exercises: [...policy.exercises] } : {}),
    ...(policy.points ? { points: { ...policy.points } } : {}),
    ...Object.fromEntries(Object.entries(dates).filter(([, v]) => v !== undefined)),
    ...(penalty
      ? { latePenalty: penalty.unit === "hour" ? { percentPerHour: penalty.percentPerUnit, maxPercent: penalty.maxPercent } : { percentPerDay: penalty.percentPerUnit, maxPercent: penalty.maxPercent } }
      : {}),
    ...(policy.maxAttempts === null ? {} : { maxAttempts: policy.maxAttempts }),
    ...(policy.minMinutesBetween === null ? {} : { minMinutesBetween: policy.minMinutesBetween }),
    hiddenResults: policy.hiddenResults,
    scorePolicy: policy.scorePolicy,
  };
}

import { z } from "zod";
import { EXERCISE_IDS } from "../exercises/types.ts";
import { REPORT_FORMATS } from "../grader/formats/index.ts";
import { report } from "../grader/report.ts";
import { API_ROLES, principalName } from "./config.ts";
import { studentCaseReport, studentReport } from "./redact.ts";


/** Every request and response shape of the API; types come from z.infer, OpenAPI from these objects. */
export const errorBody = z.object({
  error: z.string().describe("Machine-readable code, e.g. validation_error"),
  message: z.string().describe("What was wrong, naming the field"),
  details: z.unknown().optional(),
});
export type ErrorBody = z.infer<typeof errorBody>;

/**
 * What a client sent, for a message: short strings verbatim, anything else by its kind, since
 * JSON.stringify of an array nested 100,000 deep overflows the stack and a long string is a huge answer.
 */
export function describeInput(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input.length > 64 ? `${input.slice(0, 64)}…` : input);
  if (Array.isArray(input)) return "an array";
  if (input === null) return "null";
  return typeof input === "object" ? "an object" : `${typeof input} ${String(input).slice(0, 64)}`;
}

export const exerciseId = z.enum(EXERCISE_IDS, {
  error: (issue) =>
    typeof issue.input === "string"
      ? `unknown exercise ${describeInput(issue.input)}; expected one of ${EXERCISE_IDS.join(", ")}`
      : `expected an exercise id (one of ${EXERCISE_IDS.join(", ")}), got ${describeInput(issue.input)}`,
});

export const exerciseSummary = z.object({
  id: exerciseId,
  title: z.string(),
  points: z.number(),
});

export const exerciseDetail = exerciseSummary.extend({
  description: z.string(),
  signature: z.string(),
  starter: z.string(),
  visibleCases: z.array(
    z.object({
      name: z.string(),
      /** Tensors as `{ shape, data: number[] }`. */
      args: z.array(z.unknown()),
      /** The worksheet's printout of the expected answer. */
      expected: z.string(),
    }),
  ),
  hiddenCaseCount: z.number().int(),
});

export const exerciseParams = z.object({ id: exerciseId });

export const exerciseListQuery = z.object({
  detail: z
    .enum(["true", "false"], { error: "detail must be true or false" })
    .optional()
    .describe("true: every exercise in full and the assembled starter module, so a page needs one request"),
});

/** Detail first: the response serializer strips unknown keys with the first member that fits. */
export const exerciseList = z.object({
  exercises: z.array(z.union([exerciseDetail, exerciseSummary])),
  starterModule: z.string().optional().describe("With ?detail=true: every exercise's starter, in course order, as one module"),
});

/** Course and assignment ids: short, URL-safe, as they appear in paths. */
export const courseId = z
  .string({ error: "course must be a string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "course ids are 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");
export const assignmentId = z
  .string({ error: "assignment must be a string" })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, "assignment ids are 1-64 of A-Z a-z 0-9 . _ - (starting with a letter or digit)");

export const submissionRequest = z.strictObject({
  source: z.string().min(1, "source is empty").describe("The TypeScript module exporting the exercise functions"),
  exercises: z
    .array(exerciseId)
    .min(1)
    // Checked before the entries, so a list of 100,000 costs one issue, not 100,000.
    .max(EXERCISE_IDS.length, `list at most ${EXERCISE_IDS.length} exercises (the whole catalogue)`)
    .optional()
    .describe("Grade only these exercises (default: all)"),
  callbackUrl: z
    .url({ protocol: /^https?$/, error: "callbackUrl must be an http(s) URL" })
    .max(2048)
    .optional()
    .describe("Staff keys only (students get 403): receives the graded submission as a signed POST"),
  course: courseId.optional().describe("Default: default"),
  assignment: assignmentId.optional().describe("Default: default; exercises must be within the assignment's (default: all of them)"),
});
export type SubmissionRequest = z.infer<typeof submissionRequest>;

export const submissionStatus = z.enum(["queued", "running", "graded", "error"]);

export const reportQuery = z.object({
  format: z.enum(REPORT_FORMATS).default("json").describe("json (the report), text, junit (one testcase per case) or gradescope (results.json)"),
});

export const submissionQuery = z.object({
  wait: z.enum(["true", "false"]).optional().describe("Answer with the graded report if grading finishes in time"),
});

export const gradingProgress = z
  .object({
    exercises: z.array(
      z.object({
        id: exerciseId,
        state: z.enum(["waiting", "running", "graded"]),
        score: z.number().optional().describe("Once graded, as in the report (at the exercise's points); left out while the assignment holds results back"),
        maxScore: z.number(),
      }),
    ),
  })
  .describe("While queued or running: each exercise's state in course order, as the grading worker last recorded it (at most a few times a second)");
export type GradingProgressView = z.infer<typeof gradingProgress>;

export const submissionAccepted = z.object({ id: z.uuid(), status: submissionStatus, progress: gradingProgress.optional() });

/** A student's report before the assignment releases results: visible cases only, no scores. */
export const heldReport = studentReport.extend({
  score: z.null(),
  exercises: z.array(studentReport.shape.exercises.element.extend({ score: z.null(), cases: z.array(studentCaseReport) })),
});
export type HeldReport = z.infer<typeof heldReport>;

export const anyReport = z
  .union([report, studentReport, heldReport])
  .describe("Staff see the full report; students the redacted one, and before the assignment releases results only their visible cases and no scores");

export const lateness = z
  .object({ minutes: z.number().int(), penaltyPercent: z.number() })
  .nullable()
  .describe("How late the submission was and the penalty charged; null: on time");

export const submissionView = z.object({
  id: z.uuid(),
  status: submissionStatus,
  student: z.string(),
  exercises: z.array(exerciseId).nullable(),
  createdAt: z.iso.datetime(),
  attempt: z.number().int(),
  course: z.string(),
  assignment: z.string(),
  score: z.number().nullable().describe("After the late penalty, at the assignment's points; null until graded, or until results are released"),
  rawScore: z.number().nullable().describe("What the grader gave, at the assignment's points"),
  maxScore: z.number().nullable(),
  late: lateness,
  resultsReleaseAt: z.iso.datetime().nullable().optional().describe("For assignments that hold results back: when they are released (null: never)"),
  gradedAt: z.iso.datetime().nullable(),
  error: z.string().nullable(),
  callbackUrl: z.string().nullable().optional(),
  report: anyReport.nullable().optional(),
  source: z.string().optional(),
  progress: gradingProgress.optional(),
});
export type SubmissionView = z.infer<typeof submissionView>;

export const submissionParams = z.object({ id: z.uuid({ error: "id must be a submission id (UUID)" }) });

export const submissionListQuery = z.object({
  student: principalName.optional(),
  course: courseId.optional(),
  assignment: assignmentId.optional(),
  exercise: exerciseId.optional(),
  since: z.iso.datetime({ offset: true, error: "since must be an ISO 8601 date-time" }).optional(),
  until: z.iso.datetime({ offset: true, error: "until must be an ISO 8601 date-time" }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(64).optional(),
});

export const submissionList = z.object({
  items: z.array(submissionView),
  nextCursor: z.string().nullable(),
});

export const gradingView = z.object({
  attempt: z.number().int(),
  status: z.enum(["graded", "error"]),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime(),
  error: z.string().nullable(),
  report: anyReport.nullable(),
});
export const gradingHistory = z.object({ gradings: z.array(gradingView) });

export const deliveryList = z.object({
  deliveries: z.array(
    z.object({
      gradingAttempt: z.number().int(),
      attempt: z.number().int(),
      url: z.string(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      at: z.iso.datetime(),
      durationMs: z.number(),
    }),
  ),
});

export const regradeAccepted = z.object({ id: z.uuid(), attempt: z.number().int(), status: submissionStatus });
export const bulkRegradeRequest = z.strictObject({
  exercise: exerciseId.optional().describe("Only submissions that include this exercise"),
  student: principalName.optional(),
  course: courseId.optional().describe("Only this course's submissions. Course staff signed in through the LMS regrade only a course they are staff of (default: default); staff API keys, any"),
});
export const bulkRegradeAccepted = z.object({ queued: z.number().int() });

export const GRADEBOOK_CSV_LAYOUTS = ["canvas", "moodle"] as const;
export type GradebookCsvLayout = (typeof GRADEBOOK_CSV_LAYOUTS)[number];
export const gradebookQuery = z.object({
  format: z.enum(["json", "csv"], { error: "format must be json or csv" }).optional(),
  layout: z
    .enum(GRADEBOOK_CSV_LAYOUTS, { error: `layout must be one of ${GRADEBOOK_CSV_LAYOUTS.join(", ")}` })
    .optional()
    .describe("CSV columns for this LMS's grade import (default canvas)"),
});
export const gradebook = z.object({
  exercises: z.array(z.object({ id: exerciseId, title: z.string(), maxScore: z.number() })),
  maxTotal: z.number(),
  students: z.array(
    z.object({
      student: z.string(),
      scores: z.record(z.string(), z.number().nullable()),
      total: z.number(),
    }),
  ),
});
export type Gradebook = z.infer<typeof gradebook>;

export const identity = z.object({
  role: z.enum(API_ROLES),
  name: z.string().describe("For students, the name their submissions are filed under"),
  origin: z.enum(["api_key", "lti"]).describe("How the caller signed in: an LTI launch's staff have course-staff rights only, never the administration routes"),
});

export const health = z.object({ status: z.enum(["ok", "draining", "unavailable"]), reason: z.string().optional() });

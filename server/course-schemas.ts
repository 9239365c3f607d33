import { z } from "zod";
import { principalName } from "./config.ts";
import { assignmentId, courseId, exerciseId, gradebook, gradebookQuery } from "./schemas.ts";
import { COURSE_ROLES, HIDDEN_RESULTS, SCORE_POLICIES } from "./storage/course-types.ts";

/** Request and response shapes of the course routes (server/routes/courses.ts). */
const isoDate = (field: string) => z.iso.datetime({ offset: true, error: `${field} must be an ISO 8601 date-time with a time zone` });

export const courseRequest = z.strictObject({ id: courseId, title: z.string().min(1).max(200) });
export const courseView = z.object({ id: z.string(), title: z.string(), createdAt: z.iso.datetime(), role: z.enum(COURSE_ROLES).describe("The caller's role in it") });
export const courseList = z.object({ courses: z.array(courseView) });
export const courseParams = z.object({ course: courseId });

export const memberParams = z.object({ course: courseId, principal: principalName });
export const memberRequest = z.strictObject({ role: z.enum(COURSE_ROLES) });
export const memberView = z.object({ course: z.string(), principal: z.string(), role: z.enum(COURSE_ROLES), addedAt: z.iso.datetime() });
export const memberList = z.object({ members: z.array(memberView) });

export const assignmentParams = z.object({ course: courseId, assignment: assignmentId });
export const assignmentView = z.object({
  course: z.string(),
  id: z.string(),
  title: z.string(),
  exercises: z.array(exerciseId).describe("The assignment's exercises (all of the catalogue unless it names some)"),
  points: z.record(z.string(), z.number()).describe("What each exercise is worth here"),
  maxScore: z.number(),
  opensAt: z.iso.datetime().nullable(),
  dueAt: z.iso.datetime().nullable(),
  lateUntil: z.iso.datetime().nullable(),
  latePenalty: z.object({ percentPerHour: z.number().optional(), percentPerDay: z.number().optional(), maxPercent: z.number() }).nullable(),
  maxAttempts: z.number().int().nullable(),
  minMinutesBetween: z.number().int().nullable(),
  hiddenResults: z.enum(HIDDEN_RESULTS),
  scorePolicy: z.enum(SCORE_POLICIES),
  updatedAt: z.iso.datetime(),
  /** Students: their own attempts, extension and release time. */
  attempts: z.object({ used: z.number().int(), max: z.number().int().nullable(), nextAllowedAt: z.iso.datetime().nullable() }).optional(),
  extension: z.object({ dueAt: z.iso.datetime(), lateUntil: z.iso.datetime().nullable() }).nullable().optional(),
  resultsReleaseAt: z.iso.datetime().nullable().optional().describe("When hidden results are released to this student (null: never); absent when they are shown at once"),
  recomputed: z.number().int().optional().describe("After a PUT: how many submissions' late penalty changed"),
});
export const assignmentList = z.object({ assignments: z.array(assignmentView) });

export const extensionParams = z.object({ course: courseId, assignment: assignmentId, student: principalName });
export const extensionRequest = z
  .strictObject({ dueAt: isoDate("dueAt"), lateUntil: isoDate("lateUntil").optional() })
  .refine((e) => e.lateUntil === undefined || Date.parse(e.dueAt) <= Date.parse(e.lateUntil), { error: "dueAt is after lateUntil", path: ["dueAt"] });
export const extensionView = z.object({
  course: z.string(),
  assignment: z.string(),
  student: z.string(),
  dueAt: z.iso.datetime(),
  lateUntil: z.iso.datetime().nullable(),
  grantedBy: z.string(),
  grantedAt: z.iso.datetime(),
  recomputed: z.number().int().optional(),
});
export const extensionList = z.object({ extensions: z.array(extensionView) });

export const courseGradebookQuery = gradebookQuery.extend({ assignment: assignmentId.default("default") });
export const courseGradebook = gradebook.extend({
  course: z.string(),
  assignment: z.string(),
  students: z.array(
    gradebook.shape.students.element.extend({
      rawScores: z.record(z.string(), z.number().nullable()).describe("Before the late penalty"),
      rawTotal: z.number(),
      lateSubmissions: z.number().int(),
    }),
  ),
});

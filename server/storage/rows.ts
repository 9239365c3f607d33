import type { ExerciseId } from "../../exercises/types.ts";
import type { Report } from "../../grader/report.ts";
import type { ApiRole } from "../config.ts";
import { InvalidCursorError, type ApiKeyRecord, type DeliveryRecord, type GradebookCell, type Grading, type GradingProgress, type Job, type CourseRole, type Lateness, type SubmissionRecord } from "./types.ts";

/** Rows as both storages return them (better-sqlite3 and pg: BIGINT may arrive as a string, hence Number), the SELECTs they share, and the mapping to the storage interface's records. */
export type Row = Record<string, unknown>;

export const SUBMISSION_SELECT = `
  SELECT s.seq, s.id, s.student, s.submitted_by, s.exercises, s.callback_url, s.created_at, s.attempts,
         s.course, s.assignment, s.late_minutes, s.penalty_percent, s.submitter_role,
         j.state AS job_state, j.progress AS job_progress,
         g.attempt AS g_attempt, g.status AS g_status, g.report AS g_report, g.error AS g_error,
         g.started_at AS g_started_at, g.finished_at AS g_finished_at
  FROM submissions s
  LEFT JOIN jobs j ON j.submission_id = s.id
  LEFT JOIN gradings g ON g.submission_id = s.id
    AND g.attempt = (SELECT MAX(attempt) FROM gradings WHERE submission_id = s.id)`;

/**
 * Best score per student per exercise, from each submission's latest graded attempt. Given the
 * dialect's placeholder for a student (`?` or `$1`), narrowed to that student.
 */
/** Submissions gradebooks count: not made by the course's instructors or TAs. */
export const STUDENT_SUBMISSION = "COALESCE(s.submitter_role, 'student') = 'student'";

export const gradebookSelect = (studentPlaceholder?: string) => `
  WITH latest AS (
    SELECT submission_id, MAX(attempt) AS attempt FROM gradings WHERE status = 'graded' GROUP BY submission_id
  )
  SELECT s.student, e.exercise_id, MAX(e.score) AS score, MAX(e.max_score) AS max_score
  FROM exercise_scores e
  JOIN latest l ON l.submission_id = e.submission_id AND l.attempt = e.attempt
  JOIN submissions s ON s.id = e.submission_id
  WHERE s.course = 'default' AND ${STUDENT_SUBMISSION} ${studentPlaceholder === undefined ? "" : `AND s.student = ${studentPlaceholder}`}
  GROUP BY s.student, e.exercise_id
  ORDER BY s.student, e.exercise_id`;

export const GRADEBOOK_SELECT = gradebookSelect();

export const toGradebookCell = (row: Row): GradebookCell => ({
  student: String(row.student),
  exercise: row.exercise_id as ExerciseId,
  score: Number(row.score),
  maxScore: Number(row.max_score),
});

export const parseGrading = (row: Row, prefix = "g_"): Grading => ({
  attempt: Number(row[`${prefix}attempt`]),
  status: row[`${prefix}status`] as Grading["status"],
  // Written by completeJob from a report the grader produced; the response schema re-checks it on the way out.
  report: row[`${prefix}report`] == null ? null : (JSON.parse(String(row[`${prefix}report`])) as Report),
  error: (row[`${prefix}error`] as string | null) ?? null,
  startedAt: Number(row[`${prefix}started_at`]),
  finishedAt: Number(row[`${prefix}finished_at`]),
});

export const toSubmission = (row: Row): SubmissionRecord => {
  const latest = row.g_attempt == null ? null : parseGrading(row);
  const jobState = row.job_state as "queued" | "running" | null;
  return {
    id: String(row.id),
    student: String(row.student),
    submittedBy: String(row.submitted_by),
    exercises: row.exercises == null ? null : (JSON.parse(String(row.exercises)) as ExerciseId[]),
    callbackUrl: (row.callback_url as string | null) ?? null,
    createdAt: Number(row.created_at),
    course: String(row.course),
    assignment: String(row.assignment),
    late: toLateness(row),
    submitterRole: (row.submitter_role as CourseRole | null) ?? null,
    status: jobState ?? latest?.status ?? "queued",
    attempt: Number(row.attempts),
    latest,
    // Written by recordProgress from the grader's own callback; the response schema re-checks it on the way out.
    progress: jobState === "running" && row.job_progress != null ? (JSON.parse(String(row.job_progress)) as GradingProgress) : null,
  };
};

export const toLateness = (row: Row): Lateness | null =>
  row.late_minutes == null ? null : { minutes: Number(row.late_minutes), penaltyPercent: Number(row.penalty_percent ?? 0) };

/** A claimed job: its jobs row joined with the submission's source, exercises and callback. */
export const toJob = (row: Row, leaseToken: string): Job => ({
  jobId: Number(row.id),
  submissionId: String(row.submission_id),
  student: String(row.student),
  attempt: Number(row.attempt),
  source: String(row.source),
  exercises: row.exercises == null ? null : (JSON.parse(String(row.exercises)) as ExerciseId[]),
  callbackUrl: (row.callback_url as string | null) ?? null,
  leaseToken,
  claims: Number(row.claims),
});

export const toKey = (row: Row): ApiKeyRecord => ({
  id: String(row.id),
  role: row.role as ApiRole,
  name: String(row.name),
  createdAt: Number(row.created_at),
  revokedAt: row.revoked_at == null ? null : Number(row.revoked_at),
});

export const toDelivery = (row: Row): DeliveryRecord => ({
  attempt: Number(row.attempt),
  gradingAttempt: Number(row.grading_attempt),
  url: String(row.url),
  statusCode: row.status_code == null ? null : Number(row.status_code),
  error: (row.error as string | null) ?? null,
  at: Number(row.at),
  durationMs: Number(row.duration_ms),
});

export function encodeCursor(seq: number): string {
  return Buffer.from(`s${seq}`).toString("base64url");
}

export function decodeCursor(cursor: string): number {
  const match = /^s(\d{1,15})$/.exec(Buffer.from(cursor, "base64url").toString());
  if (!match) throw new InvalidCursorError();
  return Number(match[1]);
}

import type { Report } from "../grader/report.ts";
import type { Principal } from "./auth.ts";
import { redactForStudent, type StudentReport } from "./redact.ts";
import type { Grading, SubmissionRecord } from "./storage/types.ts";
import type { SubmissionView } from "./schemas.ts";

const iso = (ms: number) => new Date(ms).toISOString();

export type Viewer = Pick<Principal, "role">;

export function reportFor(viewer: Viewer, report: Report | null): Report | StudentReport | null {
  if (report === null) return null;
  return viewer.role === "staff" ? report : redactForStudent(report);
}

/** The API's picture of a submission for this viewer; `withReport` false keeps list pages small. */
export function submissionView(
  viewer: Viewer,
  record: SubmissionRecord,
  options: { withReport: boolean; source?: string },
): SubmissionView {
  const latest = record.latest;
  return {
    id: record.id,
    status: record.status,
    student: record.student,
    exercises: record.exercises ? [...record.exercises] : null,
    createdAt: iso(record.createdAt),
    attempt: record.attempt,
    score: latest?.report?.score ?? null,
    maxScore: latest?.report?.maxScore ?? null,
    gradedAt: latest ? iso(latest.finishedAt) : null,
    error: latest?.error ?? null,
    ...(viewer.role === "staff" ? { callbackUrl: record.callbackUrl } : {}),
    ...(options.withReport ? { report: reportFor(viewer, latest?.report ?? null) } : {}),
    ...(options.source === undefined ? {} : { source: options.source }),
  };
}

export function gradingView(viewer: Viewer, grading: Grading) {
  return {
    attempt: grading.attempt,
    status: grading.status,
    score: grading.report?.score ?? null,
    maxScore: grading.report?.maxScore ?? null,
    startedAt: iso(grading.startedAt),
    finishedAt: iso(grading.finishedAt),
    error: grading.error,
    report: reportFor(viewer, grading.report),
  };
}

/**
 * Only staff register webhooks, but the receiver (an LMS bridge, a script) needs no more than the
 * student may see: hidden cases stay redacted outside the staff API.
 */
export function webhookPayload(record: SubmissionRecord) {
  return { event: "submission.graded" as const, submission: submissionView({ role: "student" }, record, { withReport: true }) };
}

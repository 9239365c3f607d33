import type { Exercise, ExerciseId } from "../exercises/types.ts";
import type { Report } from "../grader/report.ts";
import type { Principal } from "./auth.ts";
import { releaseOf, releaseTime, type Release } from "./policy/admission.ts";
import { effectiveDeadline } from "./policy/deadlines.ts";
import { redactForStudent, type StudentReport } from "./redact.ts";
import type { HeldReport, SubmissionView } from "./schemas.ts";
import { pointsOf, scoreReport } from "./scoring.ts";
import type { AssignmentRecord, CourseStorage, ExtensionRecord } from "./storage/course-types.ts";
import type { Grading, SubmissionRecord } from "./storage/types.ts";

const iso = (ms: number) => new Date(ms).toISOString();

export type Viewer = Pick<Principal, "role">;

export function reportFor(viewer: Viewer, report: Report | null): Report | StudentReport | null {
  if (report === null) return null;
  return viewer.role === "staff" ? report : redactForStudent(report);
}

/** Before release a student sees their visible cases only, and no score at all. */
export function holdReport(report: Report): HeldReport {
  const redacted = redactForStudent(report);
  return {
    ...redacted,
    score: null,
    exercises: redacted.exercises.map((exercise) => ({ ...exercise, score: null, cases: exercise.cases.filter((c) => c.visible) })),
  };
}

/** What a submission's assignment says about how to show it to this viewer. */
export interface SubmissionContext {
  readonly assignment: AssignmentRecord;
  readonly points: ReadonlyMap<ExerciseId, number>;
  /** Of the submission's student, for `after_due` and `never`: staff viewers always see everything. */
  readonly release: Release;
}

/** Assignments and extensions loaded once per course, assignment and student, for a page of submissions. */
export function submissionContexts(storage: Pick<CourseStorage, "getAssignment" | "listExtensions">, catalogue: readonly Exercise[], now: number) {
  const assignments = new Map<string, Promise<AssignmentRecord | null>>();
  const extensions = new Map<string, Promise<ExtensionRecord[]>>();
  const once = <T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>) => {
    if (!cache.has(key)) cache.set(key, load());
    return cache.get(key)!;
  };
  return async function contextOf(record: SubmissionRecord): Promise<SubmissionContext | undefined> {
    const key = `${record.course}\u0000${record.assignment}`;
    const assignment = await once(assignments, key, () => storage.getAssignment(record.course, record.assignment));
    // An assignment deleted from under its submissions (not possible through the API): shown as before courses.
    if (!assignment) return undefined;
    const extension = assignment.hiddenResults === "after_due"
      ? (await once(extensions, key, () => storage.listExtensions(record.course, record.assignment))).find((e) => e.student === record.student) ?? null
      : null;
    return { assignment, points: pointsOf(assignment, catalogue), release: releaseOf(assignment, effectiveDeadline(assignment, extension), now) };
  };
}

const releaseAt = (release: Release) => {
  const at = releaseTime(release);
  return at === null ? null : iso(at);
};

/** The API's picture of a submission for this viewer; `withReport` false keeps list pages small. */
export function submissionView(
  viewer: Viewer,
  record: SubmissionRecord,
  options: { withReport: boolean; source?: string; context?: SubmissionContext | undefined },
): SubmissionView {
  const latest = record.latest;
  const report = latest?.report ?? null;
  const context = options.context;
  const held = viewer.role !== "staff" && context !== undefined && context.release.kind !== "released";
  const scored = report && context ? scoreReport(report, context.points, record.late) : null;
  const rawScore = scored?.rawScore ?? report?.score ?? null;
  return {
    id: record.id,
    status: record.status,
    student: record.student,
    course: record.course,
    assignment: record.assignment,
    exercises: record.exercises ? [...record.exercises] : null,
    createdAt: iso(record.createdAt),
    attempt: record.attempt,
    score: held ? null : (scored?.score ?? rawScore),
    rawScore: held ? null : rawScore,
    maxScore: scored?.maxScore ?? report?.maxScore ?? null,
    late: record.late,
    ...(context && context.assignment.hiddenResults !== "immediately" ? { resultsReleaseAt: releaseAt(context.release) } : {}),
    gradedAt: latest ? iso(latest.finishedAt) : null,
    error: latest?.error ?? null,
    ...(viewer.role === "staff" ? { callbackUrl: record.callbackUrl } : {}),
    ...(options.withReport ? { report: held ? (report ? holdReport(report) : null) : reportFor(viewer, report) } : {}),
    ...(options.source === undefined ? {} : { source: options.source }),
  };
}

export function gradingView(viewer: Viewer, grading: Grading, context?: SubmissionContext) {
  const held = viewer.role !== "staff" && context !== undefined && context.release.kind !== "released";
  return {
    attempt: grading.attempt,
    status: grading.status,
    score: held ? null : (grading.report?.score ?? null),
    maxScore: grading.report?.maxScore ?? null,
    startedAt: iso(grading.startedAt),
    finishedAt: iso(grading.finishedAt),
    error: grading.error,
    report: held ? (grading.report ? holdReport(grading.report) : null) : reportFor(viewer, grading.report),
  };
}

/**
 * Only staff register webhooks, but the receiver (an LMS bridge, a script) needs no more than the
 * student may see: hidden cases stay redacted outside the staff API.
 */
export function webhookPayload(record: SubmissionRecord) {
  return { event: "submission.graded" as const, submission: submissionView({ role: "student" }, record, { withReport: true }) };
}

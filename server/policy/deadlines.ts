import { roundScore } from "../../grader/round-score.ts";
import type { AssignmentPolicy, ExtensionRecord, LatePenalty, Lateness } from "../storage/course-types.ts";

/*
 * Deadlines and lateness as pure functions of an assignment, a student's extension and a time:
 * the submissions route charges a new submission with them, and recomputation re-applies them to
 * stored submit times when the dates, the penalty or an extension change.
 */

const UNIT_MS = { hour: 3_600_000, day: 86_400_000 } as const;
const MINUTE_MS = 60_000;

/** The dates that apply to one student. */
export interface Deadline {
  readonly dueAt: number | null;
  /** The end of the late window; null: submissions close at dueAt. */
  readonly lateUntil: number | null;
}

/**
 * An extension replaces the due date (and the late window, when it names one) for that student:
 * time before the extended due date is never late time. The late window never ends before the
 * extended due date.
 */
export function effectiveDeadline(assignment: Pick<AssignmentPolicy, "dueAt" | "lateUntil">, extension: Pick<ExtensionRecord, "dueAt" | "lateUntil"> | null): Deadline {
  if (!extension) return { dueAt: assignment.dueAt, lateUntil: assignment.lateUntil };
  const lateUntil = extension.lateUntil ?? (assignment.lateUntil === null ? null : Math.max(assignment.lateUntil, extension.dueAt));
  return { dueAt: extension.dueAt, lateUntil };
}

/** When submissions stop being taken; null: never. */
export const closesAt = (deadline: Deadline): number | null => deadline.lateUntil ?? deadline.dueAt;

/** Percent charged for `lateMs` of lateness: every started unit counts whole, capped at maxPercent. */
export function penaltyPercent(lateMs: number, penalty: LatePenalty | null): number {
  if (lateMs <= 0 || penalty === null) return 0;
  const units = Math.ceil(lateMs / UNIT_MS[penalty.unit]);
  return Math.min(penalty.maxPercent, units * penalty.percentPerUnit);
}

/** What a submission made at `submittedAt` is charged; null when on time (or the assignment has no due date). */
export function latenessOf(submittedAt: number, deadline: Deadline, penalty: LatePenalty | null): Lateness | null {
  if (deadline.dueAt === null || submittedAt <= deadline.dueAt) return null;
  const lateMs = submittedAt - deadline.dueAt;
  return { minutes: Math.ceil(lateMs / MINUTE_MS), penaltyPercent: penaltyPercent(lateMs, penalty) };
}

/** The score after the late penalty, to 4 decimals like the gradebook's totals. */
export function penalized(rawScore: number, late: Lateness | null): number {
  if (late === null) return rawScore;
  return roundScore((rawScore * (100 - late.penaltyPercent)) / 100);
}

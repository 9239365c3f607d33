import type { AssignmentPolicy, AttemptCount, ExtensionRecord, Lateness } from "../storage/course-types.ts";
import { closesAt, effectiveDeadline, latenessOf, type Deadline } from "./deadlines.ts";

/** Whether a submission is taken now, and if so what it is charged; staff are never refused. */
export type Admission =
  | { readonly kind: "open"; readonly deadline: Deadline; readonly late: Lateness | null }
  | { readonly kind: "not_open"; readonly opensAt: number }
  | { readonly kind: "closed"; readonly closedAt: number };

export function admit(input: { assignment: AssignmentPolicy; extension: Pick<ExtensionRecord, "dueAt" | "lateUntil"> | null; staff: boolean; now: number }): Admission {
  const { assignment, extension, staff, now } = input;
  const deadline = effectiveDeadline(assignment, extension);
  // Staff submissions (trying the assignment out, checking a fix) are never charged either: no gradebook row is theirs.
  if (staff) return { kind: "open", deadline, late: null };
  if (assignment.opensAt !== null && now < assignment.opensAt) return { kind: "not_open", opensAt: assignment.opensAt };
  const closedAt = closesAt(deadline);
  if (closedAt !== null && now > closedAt) return { kind: "closed", closedAt };
  return { kind: "open", deadline, late: latenessOf(now, deadline, assignment.latePenalty) };
}

/** The limits the storage checks in the storing transaction; null when the assignment has none (or for staff). */
export function attemptLimits(assignment: Pick<AssignmentPolicy, "maxAttempts" | "minMinutesBetween">, staff: boolean): { max: number | null; minGapMs: number | null } | null {
  if (staff || (assignment.maxAttempts === null && assignment.minMinutesBetween === null)) return null;
  return { max: assignment.maxAttempts, minGapMs: assignment.minMinutesBetween === null ? null : assignment.minMinutesBetween * 60_000 };
}

/** What a student sees of their attempts: how many counted, the cap, and the earliest time the next one is taken. */
export interface AttemptsView {
  readonly used: number;
  readonly max: number | null;
  /** null: now, or never again when `used` reached `max`. */
  readonly nextAllowedAt: number | null;
}

export function attemptsView(assignment: Pick<AssignmentPolicy, "maxAttempts" | "minMinutesBetween">, count: AttemptCount, now: number): AttemptsView {
  const gapEnds = assignment.minMinutesBetween !== null && count.lastAt !== null ? count.lastAt + assignment.minMinutesBetween * 60_000 : null;
  const exhausted = assignment.maxAttempts !== null && count.used >= assignment.maxAttempts;
  return { used: count.used, max: assignment.maxAttempts, nextAllowedAt: !exhausted && gapEnds !== null && gapEnds > now ? gapEnds : null };
}

/** `resultsReleaseAt` as the API shows it: when hidden results are (or were) released; null: never. */
export const releaseTime = (release: Release): number | null => (release.kind === "never" ? null : release.at);

/** The 429's details: `retryAt` only when waiting helps (the minimum gap, not the cap). */
export function attemptRefusal(assignment: Pick<AssignmentPolicy, "maxAttempts" | "minMinutesBetween">, count: AttemptCount, now: number): { maxAttempts: number | null; used: number; retryAt?: number } {
  const view = attemptsView(assignment, count, now);
  return { maxAttempts: assignment.maxAttempts, used: count.used, ...(view.nextAllowedAt === null ? {} : { retryAt: view.nextAllowedAt }) };
}

/**
 * When a student's hidden results (and scores) are released: `immediately` is always released
 * (null), `after_due` at the student's own due date (their extension's, if any), `never` never.
 */
export type Release =
  /** `at`: when it happened (after_due), null for `immediately`. */
  | { readonly kind: "released"; readonly at: number | null }
  | { readonly kind: "at"; readonly at: number }
  | { readonly kind: "never" };

export function releaseOf(assignment: Pick<AssignmentPolicy, "hiddenResults">, deadline: Deadline, now: number): Release {
  if (assignment.hiddenResults === "never") return { kind: "never" };
  if (assignment.hiddenResults === "immediately" || deadline.dueAt === null) return { kind: "released", at: null };
  if (now >= deadline.dueAt) return { kind: "released", at: deadline.dueAt };
  return { kind: "at", at: deadline.dueAt };
}

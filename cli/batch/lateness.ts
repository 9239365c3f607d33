import { closesAt, effectiveDeadline, latenessOf, penalized } from "../../server/policy/index.ts";
import type { AssignmentPolicy } from "../../server/storage/course-types.ts";
import type { BatchRow } from "./journal.ts";
import type { BatchSubmission } from "./layouts.ts";

/** Gradescope writes Ruby's Time#to_s with nanoseconds: `2026-11-01 12:00:00.000000000 -07:00`. */
export function parseSubmittedAt(text: string): number | undefined {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d:\d\d)(\.\d+)?\s*(Z|[+-]\d\d:?\d\d)?$/.exec(text.trim());
  if (m === null) return undefined;
  const [, date, time, fraction = "", zone = "Z"] = m;
  const ms = fraction === "" ? "" : fraction.slice(0, 4).padEnd(4, "0");
  const offset = zone === "Z" ? "Z" : zone.includes(":") ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const t = Date.parse(`${date}T${time}${ms}${offset}`);
  return Number.isFinite(t) ? t : undefined;
}

/** When the export says the work was handed in: Gradescope's metadata, or the file's time with --use-mtime. */
export function submissionTime(submission: BatchSubmission, useMtime: boolean): number | undefined {
  const stated = submission.submittedAt === undefined ? undefined : parseSubmittedAt(submission.submittedAt);
  if (stated !== undefined) return stated;
  if (useMtime && submission.source.kind === "source") return submission.source.mtimeMs;
  return undefined;
}

/**
 * The assignment's late penalty on a graded row, as the service charges a submission made at that
 * time. Work after the late window closed, which the service would have refused, scores 0. Without a
 * time only Canvas' LATE flag is known: the row says late and that no penalty could be computed.
 */
export function applyLatePolicy(row: BatchRow, submission: BatchSubmission, policy: AssignmentPolicy, useMtime: boolean): BatchRow {
  if (row.status !== "graded" || row.score === null) return row;
  const at = submissionTime(submission, useMtime);
  if (at === undefined) {
    return row.late === true ? { ...row, reason: "late by Canvas' mark, at an unknown time: no penalty applied" } : row;
  }
  const deadline = effectiveDeadline(policy, null);
  const closed = closesAt(deadline);
  if (closed !== null && at > closed) {
    return { ...row, score: 0, late: true, reason: `submitted ${new Date(at).toISOString()}, after the assignment closed at ${new Date(closed).toISOString()}: 0 (raw ${row.score})` };
  }
  const late = latenessOf(at, deadline, policy.latePenalty);
  if (late === null) return { ...row, late: row.late === true ? true : false };
  return { ...row, score: penalized(row.score, late), late: true, reason: `${late.minutes} minutes late: -${late.penaltyPercent}% (raw ${row.score})` };
}

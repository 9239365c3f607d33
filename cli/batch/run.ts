import { createHash } from "node:crypto";
import type { Exercise, ExerciseId } from "../../exercises/index.ts";
import type { Grader } from "../../grader/index.ts";
import { roundScore } from "../../grader/round-score.ts";
import { sourceOverLimit } from "../../grader/source-limit.ts";
import type { BatchRow, JournalWriter } from "./journal.ts";
import type { BatchPlan, BatchSubmission } from "./layouts.ts";
import { writeReports } from "./output.ts";
import type { BatchProgress } from "./progress.ts";

export interface BatchGradeDeps {
  readonly grader: Grader;
  /** The graded exercises, in course order. */
  readonly exercises: readonly Exercise[];
  readonly maxSourceBytes: number;
  readonly jobs: number;
  readonly outDir: string;
  readonly journal: JournalWriter;
  /** What an earlier run already recorded (--resume). */
  readonly done: ReadonlyMap<string, { readonly sha256: string; readonly row: BatchRow }>;
  readonly progress: BatchProgress;
  /** The grader refused the submission (too big, unknown exercise): the student's row, not a crash. */
  readonly isRejection: (error: unknown) => boolean;
  /** Applied to each graded row before it is journaled (--assignment's late penalty). */
  readonly adjust?: (row: BatchRow, submission: BatchSubmission) => BatchRow;
  /** Once aborted, nothing more is started and nothing more recorded: --resume grades the rest. */
  readonly signal?: AbortSignal;
}

export type DecodedSource = { readonly kind: "text"; readonly text: string } | { readonly kind: "unreadable"; readonly reason: string };

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

export function decodeSubmission(submission: BatchSubmission, maxSourceBytes: number): DecodedSource {
  if (submission.source.kind === "unreadable") return submission.source;
  let text: string;
  try {
    text = utf8.decode(submission.source.bytes);
  } catch {
    return { kind: "unreadable", reason: `${submission.source.path} is not UTF-8 text` };
  }
  const over = sourceOverLimit(text, maxSourceBytes);
  if (over !== undefined) return { kind: "unreadable", reason: `${submission.source.path} is ${over.bytes} bytes; the limit is ${over.limitBytes} bytes` };
  return { kind: "text", text };
}

/** What identifies one submission's content across runs: a changed file is graded again. */
export function submissionDigest(submission: BatchSubmission): string {
  const hash = createHash("sha256");
  if (submission.source.kind === "source") hash.update("source\0").update(submission.source.bytes);
  else hash.update("unreadable\0").update(submission.source.reason);
  return hash.digest("hex");
}

function baseRow(submission: BatchSubmission, exercises: readonly Exercise[]): Omit<BatchRow, "status" | "score" | "exercises"> {
  return {
    key: submission.key,
    students: [...submission.students],
    maxScore: roundScore(exercises.reduce((s, e) => s + e.points, 0)),
    late: submission.late ?? null,
    ...(submission.submittedAt !== undefined ? { submittedAt: submission.submittedAt } : {}),
  };
}

async function gradeOne(submission: BatchSubmission, deps: BatchGradeDeps): Promise<BatchRow> {
  const base = baseRow(submission, deps.exercises);
  const empty = Object.fromEntries(deps.exercises.map((e) => [e.id, null])) as Record<ExerciseId, null>;
  const decoded = decodeSubmission(submission, deps.maxSourceBytes);
  if (decoded.kind === "unreadable") return { ...base, status: "unreadable", score: null, exercises: empty, reason: decoded.reason };
  try {
    const report = await deps.grader.grade({ source: decoded.text, exercises: deps.exercises.map((e) => e.id) });
    await writeReports(deps.outDir, submission.key, report);
    return { ...base, status: "graded", score: report.score, maxScore: report.maxScore, exercises: Object.fromEntries(report.exercises.map((e) => [e.id, e.score])) };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (deps.isRejection(error)) return { ...base, status: "unreadable", score: null, exercises: empty, reason: message };
    return { ...base, status: "error", score: null, exercises: empty, reason: `autograde failed: ${message}` };
  }
}

/**
 * Grades every submission the journal has not recorded, `jobs` at a time, journaling each row as
 * it finishes. Rows come back in the plan's order; an "error" row (autograde's own failure) is not
 * journaled, so the next --resume tries it again.
 */
export async function gradeBatch(plan: BatchPlan, deps: BatchGradeDeps): Promise<{ rows: BatchRow[]; interrupted: boolean }> {
  const rows = new Map<string, BatchRow>();
  const pending: { submission: BatchSubmission; sha256: string }[] = [];
  for (const submission of plan.submissions) {
    const sha256 = submissionDigest(submission);
    const earlier = deps.done.get(submission.key);
    if (earlier !== undefined && earlier.sha256 === sha256) rows.set(submission.key, earlier.row);
    else pending.push({ submission, sha256 });
  }
  deps.progress.start(plan.submissions.length, rows.size);
  let next = 0;
  const aborted = () => deps.signal?.aborted === true;
  const worker = async () => {
    while (next < pending.length && !aborted()) {
      const item = pending[next++];
      if (item === undefined) break;
      const graded = await gradeOne(item.submission, deps);
      const row = deps.adjust ? deps.adjust(graded, item.submission) : graded;
      // A result that lands after an interrupt may come from a worker the same Ctrl-C killed.
      if (aborted()) break;
      if (row.status !== "error") await deps.journal.record(item.sha256, row);
      rows.set(item.submission.key, row);
      deps.progress.tick(row);
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, Math.min(deps.jobs, pending.length)) }, worker));
  } finally {
    deps.progress.stop();
  }
  const ordered = plan.submissions.flatMap((s) => {
    const row = rows.get(s.key);
    return row === undefined ? [] : [row];
  });
  return { rows: ordered, interrupted: aborted() };
}

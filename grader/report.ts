import { z } from "zod";
import { EXERCISE_IDS } from "../exercises/types.ts";

/** The outcome of one case, host-side. Student failure is data, never an exception. */
export type CaseOutcome =
  | { kind: "passed"; variant?: string }
  | { kind: "wrong"; reason: string }
  | { kind: "error"; message: string }
  | { kind: "timeout"; limitMs: number }
  | { kind: "memory_limit"; limitMb: number };

export const caseOutcomeKind = z.enum(["passed", "wrong", "error", "timeout", "memory_limit"]);
export const exerciseStatus = z.enum(["passed", "partial", "failed", "missing", "compile_error"]);
export type ExerciseStatus = z.infer<typeof exerciseStatus>;

/** A known mistake the wrong answer matches: its id and a hint that names it without code or values. */
export const mistakeReport = z.object({ id: z.string(), hint: z.string() });
export type MistakeReport = z.infer<typeof mistakeReport>;

/** How every format words a diagnosis: the hint, then the id staff can look up (`autograde mistakes`). */
export function describeMistake(mistake: MistakeReport): string {
  return `likely mistake: ${mistake.hint} [${mistake.id}]`;
}

export const caseReport = z.object({
  name: z.string(),
  visible: z.boolean(),
  outcome: caseOutcomeKind,
  /** Human-readable: why it was wrong, the error, the limit hit; for passed, which variant matched. */
  message: z.string(),
  /** pool_backward: which accepted answer matched ("assign" or "accumulate"). */
  variant: z.string().optional(),
  /** Wrong cases whose answer matches a known mistake's within the tolerance; hidden cases too. */
  mistake: mistakeReport.optional(),
  /** Visible cases only: the worksheet's printout for the student's answer and for the expected one. */
  printout: z.object({ got: z.string(), expected: z.string() }).optional(),
  /** Staff only (the service strips it for students: it can leak a hidden case's size). */
  durationMs: z.number().optional(),
});
export type CaseReport = z.infer<typeof caseReport>;

export const exerciseReport = z.object({
  id: z.enum(EXERCISE_IDS),
  title: z.string(),
  score: z.number(),
  maxScore: z.number(),
  status: exerciseStatus,
  /** Set when the exercise as a whole failed: missing export, compile error, module error. */
  message: z.string().optional(),
  /** Set when every wrong case matches this one mistake. */
  mistake: mistakeReport.optional(),
  cases: z.array(caseReport),
});
export type ExerciseReport = z.infer<typeof exerciseReport>;

/**
 * Exercises whose cases never ran: the module did not compile, or the export is missing. Their case
 * rows are placeholders, so every format says "not run" (from the host's own words, which a
 * student's redacted report keeps too) instead of the outcome's usual wording.
 */
export const NOT_RUN_STATUSES: readonly ExerciseStatus[] = ["compile_error", "missing"];

/** Why no case of this exercise ran, or null when its cases did run. */
export function notRunReason(exercise: Pick<ExerciseReport, "status" | "message">): string | null {
  if (!NOT_RUN_STATUSES.includes(exercise.status)) return null;
  if (exercise.status === "compile_error") return COMPILE_ERROR_CASE_MESSAGE;
  return exercise.message ? `not run: ${exercise.message}` : "not run";
}

/** Every case's message when the module does not compile: nothing of it ran. */
export const COMPILE_ERROR_CASE_MESSAGE = "not run: the module did not compile (see the compiler's message)";

export const diagnostic = z.object({
  line: z.number().int(),
  column: z.number().int(),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
});
export type Diagnostic = z.infer<typeof diagnostic>;

export const report = z.object({
  /**
   * Which cases and mistakes graded this: it changes whenever they do, so scores from two versions
   * are not silently compared. Reports stored before it existed lack it.
   */
  catalogueVersion: z.string().optional(),
  score: z.number(),
  maxScore: z.number(),
  exercises: z.array(exerciseReport),
  diagnostics: z.array(diagnostic),
  timings: z.object({
    totalMs: z.number(),
    compileMs: z.number(),
    typecheckMs: z.number(),
    dispatchMs: z.number(),
    isolateMs: z.number(),
    runMs: z.number(),
    compareMs: z.number(),
    /** Part of compareMs: matching wrong answers against the known mistakes. Absent from older reports. */
    diagnoseMs: z.number().optional(),
  }),
});
export type Report = z.infer<typeof report>;

/** What the report formats need: a staff report, or a student's redacted one (no timings). */
export type FormattableReport = Omit<Report, "timings"> & { timings?: Report["timings"] };

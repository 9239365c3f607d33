import type { Exercise, Value } from "../exercises/types.ts";
import { compareValues } from "./compare.ts";
import { roundScore } from "./round-score.ts";
import { diagnose, matchingMistakes } from "./diagnose.ts";
import type { PreparedCase, PreparedMistake } from "./expected.ts";
import { COMPILE_ERROR_CASE_MESSAGE, type CaseOutcome, type CaseReport, type ExerciseReport, type ExerciseStatus, type MistakeReport } from "./report.ts";
import type { SandboxCaseResult, SandboxExerciseResult } from "./sandbox/protocol.ts";

/** Host-side verdict for one case, before it becomes a report row. */
export interface CaseVerdict {
  readonly outcome: CaseOutcome;
  readonly printout?: { readonly got: string; readonly expected: string };
  /** For a wrong answer: what diagnosis compares with the known mistakes (the graded part, or all of it). */
  readonly answer?: Value;
}

function safePrintout(exercise: Exercise, value: Value): string {
  try {
    return exercise.printout(value);
  } catch (error) {
    // printout runs on student data; a bug there must not cost the student the case.
    return `(could not print this value: ${error instanceof Error ? error.message : String(error)})`;
  }
}

/** Compares a value the student returned with every accepted answer; the first that matches wins. */
export function judgeReturned(exercise: Exercise, prepared: PreparedCase, value: Value): CaseVerdict {
  const selection = exercise.select(value);
  const expected = prepared.expected;
  const canonical = (expected[0] as (typeof expected)[number]).value;
  const printout = prepared.recipe.visible
    ? { got: selection.ok ? safePrintout(exercise, selection.value) : `(${selection.reason})`, expected: safePrintout(exercise, canonical) }
    : undefined;
  const withPrintout = (outcome: CaseOutcome, answer?: Value): CaseVerdict => ({ outcome, ...(printout ? { printout } : {}), ...(answer === undefined ? {} : { answer }) });
  // A mistake may change what comes back (a number for a mask), so an unselectable answer is compared whole.
  if (!selection.ok) return withPrintout({ kind: "wrong", reason: selection.reason }, value);

  const reasons: string[] = [];
  const matched: string[] = [];
  for (const variant of expected) {
    const comparison = compareValues(selection.value, variant.value, exercise.tolerance);
    if (comparison.ok) matched.push(variant.name ?? "");
    else reasons.push(comparison.reason);
  }
  if (matched.length === 0) {
    const [reason = "", ...others] = reasons;
    // A wrong shape fails every variant the same way; only a value mismatch needs the extra note.
    const note = others.some((r) => r !== reason) ? ` (compared with the ${expected[0]?.name ?? "first"} answer; the other accepted answer${others.length > 1 ? "s" : ""} did not match either)` : "";
    return withPrintout({ kind: "wrong", reason: reason + note }, selection.value);
  }
  if (expected.length === 1) return withPrintout({ kind: "passed" });
  return withPrintout({ kind: "passed", variant: matched.join(", ") });
}

export function verdictFor(exercise: Exercise, prepared: PreparedCase, result: SandboxCaseResult): CaseVerdict {
  switch (result.kind) {
    case "returned":
      return judgeReturned(exercise, prepared, result.value);
    case "bad_output":
      return { outcome: { kind: "wrong", reason: result.reason } };
    case "threw":
      return { outcome: { kind: "error", message: result.message } };
    case "timeout":
      return { outcome: { kind: "timeout", limitMs: result.limitMs } };
    case "memory_limit":
      return { outcome: { kind: "memory_limit", limitMb: result.limitMb } };
  }
}

export function outcomeMessage(outcome: CaseOutcome, variantCount: number): string {
  switch (outcome.kind) {
    case "passed":
      if (!outcome.variant) return "passed";
      return outcome.variant.includes(",")
        ? `passed: matches every accepted answer (${outcome.variant}); they agree when windows do not overlap`
        : `passed: matches the ${outcome.variant} answer${variantCount > 1 ? ` (one of ${variantCount} accepted)` : ""}`;
    case "wrong":
      return outcome.reason;
    case "error":
      return `threw: ${outcome.message}`;
    case "timeout":
      return `did not finish within the ${outcome.limitMs} ms time limit`;
    case "memory_limit":
      return `exceeded the ${outcome.limitMb} MB memory limit`;
  }
}

/** The known mistakes a wrong verdict's answer matches; undefined for a case that is not wrong. */
export function mistakesMatched(exercise: Exercise, prepared: PreparedCase, verdict: CaseVerdict): readonly PreparedMistake[] | undefined {
  if (verdict.outcome.kind !== "wrong") return undefined;
  return verdict.answer === undefined ? [] : matchingMistakes(prepared, verdict.answer, exercise.tolerance);
}

function caseReport(prepared: PreparedCase, verdict: CaseVerdict, durationMs: number | undefined, mistake: MistakeReport | undefined): CaseReport {
  const { outcome } = verdict;
  const row: CaseReport = {
    name: prepared.recipe.name,
    visible: prepared.recipe.visible,
    outcome: outcome.kind,
    message: outcomeMessage(outcome, prepared.expected.length),
  };
  if (mistake) row.mistake = mistake;
  if (outcome.kind === "passed" && outcome.variant) row.variant = outcome.variant.split(", ")[0];
  if (verdict.printout) row.printout = { ...verdict.printout };
  if (durationMs !== undefined) row.durationMs = durationMs;
  return row;
}

function notRun(prepared: readonly PreparedCase[], message: string): CaseReport[] {
  return prepared.map((p) => ({ name: p.recipe.name, visible: p.recipe.visible, outcome: "error", message }));
}

function points(exercise: Exercise, passed: number, total: number): number {
  return total === 0 ? 0 : roundScore((exercise.points * passed) / total);
}

function statusOf(passed: number, total: number): ExerciseStatus {
  if (total > 0 && passed === total) return "passed";
  return passed > 0 ? "partial" : "failed";
}

/** Every requested exercise is `compile_error` when the module does not compile. */
export function compileErrorReport(exercise: Exercise, prepared: readonly PreparedCase[]): ExerciseReport {
  return {
    id: exercise.id,
    title: exercise.title,
    score: 0,
    maxScore: exercise.points,
    status: "compile_error",
    message: "the module did not compile, so no case ran (see the compiler's message)",
    cases: notRun(prepared, COMPILE_ERROR_CASE_MESSAGE),
  };
}

/**
 * Turns what the sandbox reported for one exercise into its report. A result that does not fit the
 * job (wrong id, wrong case count) is an infrastructure fault and throws.
 */
export function scoreExercise(exercise: Exercise, prepared: readonly PreparedCase[], result: SandboxExerciseResult, spent?: { diagnoseMs: number }): ExerciseReport {
  if (result.id !== exercise.id) throw new Error(`sandbox answered for ${result.id} where ${exercise.id} was expected`);
  const base = { id: exercise.id, title: exercise.title, maxScore: exercise.points };
  if (result.kind === "missing") {
    return { ...base, score: 0, status: "missing", message: result.message, cases: notRun(prepared, `not run: ${result.message}`) };
  }
  if (result.kind === "module_error") {
    const message = `the module failed to load: ${result.message}`;
    return { ...base, score: 0, status: "failed", message, cases: notRun(prepared, message) };
  }
  if (result.cases.length !== prepared.length) {
    throw new Error(`sandbox returned ${result.cases.length} case results for ${exercise.id}, expected ${prepared.length}`);
  }
  const verdicts = prepared.map((p, i) => verdictFor(exercise, p, result.cases[i] as SandboxCaseResult));
  const diagnoseStarted = performance.now();
  const diagnosis = diagnose(verdicts.map((v, i) => mistakesMatched(exercise, prepared[i] as PreparedCase, v)));
  if (spent) spent.diagnoseMs += performance.now() - diagnoseStarted;
  const cases = prepared.map((p, i) => {
    const caseResult = result.cases[i] as SandboxCaseResult;
    return caseReport(p, verdicts[i] as CaseVerdict, "durationMs" in caseResult ? caseResult.durationMs : undefined, diagnosis.cases[i]);
  });
  const passed = cases.filter((c) => c.outcome === "passed").length;
  const status = statusOf(passed, cases.length);
  return { ...base, score: points(exercise, passed, cases.length), status, ...(diagnosis.exercise ? { mistake: diagnosis.exercise } : {}), cases };
}

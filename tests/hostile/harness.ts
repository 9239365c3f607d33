import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { EXERCISE_IDS, getExercise, solutionModule, STUDENT_MODULE_HEADER, type ExerciseId } from "../../exercises/index.ts";
import { report as reportSchema, type ExerciseStatus, type Report } from "../../grader/report.ts";

export type CaseOutcomeKind = Report["exercises"][number]["cases"][number]["outcome"];

export interface ExerciseExpectation {
  /** One status, or the few the contract leaves open. */
  readonly status: ExerciseStatus | readonly ExerciseStatus[];
  /** Every case's outcome must be one of these (more than one only where the contract allows either). */
  readonly outcomes?: readonly CaseOutcomeKind[];
  /** Unless it passed: matches the exercise's message when it has one, otherwise every message of a case not passed. */
  readonly messageMatches?: RegExp;
}

export interface CorpusLimits {
  readonly maxSourceBytes: number;
}

export interface HostileCase {
  /** A file in tests/hostile/: the whole submission, or a fragment that `assemble` completes. */
  readonly file: string;
  /** Builds the submission from the file's text; the file alone by default. */
  readonly assemble?: (fileText: string, limits: CorpusLimits) => string;
  /** Graded exercises; the keys of `expect` by default. */
  readonly exercises?: readonly ExerciseId[];
  readonly expect?: Partial<Record<ExerciseId, ExerciseExpectation>>;
  /** The grader must refuse the submission, throwing an error whose message matches. */
  readonly rejects?: RegExp;
  /** A compile diagnostic on the line holding `marker` (and at its column when `exactColumn`). */
  readonly diagnostic?: { readonly marker: string; readonly messageMatches: RegExp; readonly exactColumn?: boolean };
  /** The sandbox must have replaced a worker on the way (and still graded the other exercises). */
  readonly killsWorker?: boolean;
  readonly check?: (report: Report) => void;
}

export const readCorpusFile = (file: string) => readFileSync(new URL(`./${file}`, import.meta.url), "utf8");

const headerLines = new Set(STUDENT_MODULE_HEADER.split("\n").filter((line) => line.trim() !== ""));

/** The model solution for every exercise but `replaced`, then the file, which defines those. */
export function replacing(...replaced: ExerciseId[]) {
  return (fileText: string): string => {
    const kept = EXERCISE_IDS.filter((id) => !replaced.includes(id));
    // The file may import the helper module itself (to read well alone); the header already does.
    const body = fileText
      .split("\n")
      .filter((line) => !headerLines.has(line))
      .join("\n");
    // The snippets themselves: solutionModule(ids) would add back the replaced ones that others call.
    const solutions = kept.map((id) => getExercise(id).solution.trim()).join("\n\n");
    return `${STUDENT_MODULE_HEADER}\n${solutions}\n\n${body}`;
  };
}

/** The model solution with nothing exported; the file supplies the exports. */
export function unexportedSolution(fileText: string): string {
  return `${solutionModule().replace(/^export function /gm, "function ")}\n${fileText}`;
}

export const expectation = (status: ExerciseStatus | readonly ExerciseStatus[], outcomes?: readonly CaseOutcomeKind[], messageMatches?: RegExp): ExerciseExpectation => ({
  status,
  ...(outcomes ? { outcomes } : {}),
  ...(messageMatches ? { messageMatches } : {}),
});
export const passed = expectation("passed", ["passed"]);
export const compileError = expectation("compile_error");
export const failedWith = (outcomes: readonly CaseOutcomeKind[], messageMatches?: RegExp) => expectation("failed", outcomes, messageMatches);
export const missing = (messageMatches: RegExp) => expectation("missing", undefined, messageMatches);

export function gradedExercises(row: HostileCase): readonly ExerciseId[] {
  return row.exercises ?? EXERCISE_IDS.filter((id) => row.expect?.[id] !== undefined);
}

/** Checks a report against a row; failures name the exercise and show what the grader said. */
export function expectReportMatches(row: HostileCase, source: string, report: Report): void {
  expect(() => reportSchema.parse(report), "the report fits the JSON schema").not.toThrow();
  expect(report.exercises.map((e) => e.id)).toEqual(gradedExercises(row));
  for (const [id, want] of Object.entries(row.expect ?? {})) {
    const got = report.exercises.find((e) => e.id === id);
    if (!got || !want) throw new Error(`no report for ${id}`);
    const seen = `${id}: ${JSON.stringify({ status: got.status, message: got.message, cases: got.cases.map((c) => `${c.outcome}: ${c.message}`) }, null, 1)}`;
    expect(typeof want.status === "string" ? [want.status] : want.status, seen).toContain(got.status);
    if (got.status === "passed") expect(got.score, seen).toBe(got.maxScore);
    if (got.status !== "passed" && got.status !== "partial") expect(got.score, seen).toBe(0);
    if (want.outcomes) {
      expect(got.cases.length, seen).toBeGreaterThan(0);
      for (const c of got.cases) expect(want.outcomes, seen).toContain(c.outcome);
    }
    if (want.messageMatches && got.status !== "passed") {
      const messages = got.message !== undefined ? [got.message] : got.cases.filter((c) => c.outcome !== "passed").map((c) => c.message);
      expect(messages.length, seen).toBeGreaterThan(0);
      for (const m of messages) expect(m, seen).toMatch(want.messageMatches);
    }
  }
  if (row.diagnostic) {
    const { marker, messageMatches, exactColumn } = row.diagnostic;
    const lines = source.split("\n");
    const lineIndex = lines.findIndex((l) => l.includes(marker));
    if (lineIndex < 0) throw new Error(`marker ${JSON.stringify(marker)} is not in the submission`);
    const errors = report.diagnostics.filter((d) => d.severity === "error");
    const seen = JSON.stringify(report.diagnostics);
    const hit = errors.find((d) => d.line === lineIndex + 1);
    expect(hit, `an error on line ${lineIndex + 1}; got ${seen}`).toBeDefined();
    expect(hit?.message, seen).toMatch(messageMatches);
    const lineText = lines[lineIndex] ?? "";
    if (exactColumn) expect(hit?.column, seen).toBe(lineText.indexOf(marker) + 1);
    else expect(hit?.column, seen).toBeGreaterThanOrEqual(1);
  }
}

export function expectHeapBelowMb(limitMb: number): void {
  const heapMb = process.memoryUsage().heapUsed / 2 ** 20;
  expect(heapMb, `host heapUsed ${heapMb.toFixed(0)} MB`).toBeLessThan(limitMb);
}

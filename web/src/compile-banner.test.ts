import { describe, expect, it } from "vitest";
import { NOT_RUN_STATUSES as GRADER_NOT_RUN } from "../../grader/report.ts";
import { casesRan, compileFailure, NOT_RUN_STATUSES, notRunLine } from "./compile-banner.ts";
import type { ExerciseReport } from "./schemas.ts";

const cases = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `c${i}`, visible: i === 0, outcome: "error" as const, message: "your code threw an error on this hidden case" }));
const exercise = (status: ExerciseReport["status"], n = 3, message?: string): ExerciseReport => ({ id: "zero_pad", title: "Zero padding", score: 0, maxScore: 10, status, cases: cases(n), ...(message ? { message } : {}) });

describe("cases that never ran", () => {
  it("the page's not-run statuses are the grader's", () => {
    expect([...NOT_RUN_STATUSES].sort()).toEqual([...GRADER_NOT_RUN].sort());
  });

  it("compile_error and missing did not run; the others did", () => {
    expect((["passed", "partial", "failed", "missing", "compile_error"] as const).map((s) => casesRan({ status: s }))).toEqual([true, true, true, false, false]);
  });

  it("one line per exercise, in the page's words, whatever the (redacted) case messages say", () => {
    expect(notRunLine(exercise("compile_error", 80))).toBe("Not run (80 cases): the module did not compile.");
    expect(notRunLine(exercise("missing", 1, "zero_pad is not exported"))).toBe("Not run (1 case): zero_pad is not exported.");
  });
});

describe("compileFailure", () => {
  const report = (statuses: ExerciseReport["status"][], diagnostics: { line: number; column: number; severity: "error" | "warning"; message: string }[]) => ({ exercises: statuses.map((s) => exercise(s)), diagnostics });

  it("is null when the module compiled, warnings or not", () => {
    expect(compileFailure(report(["passed", "failed"], [{ line: 1, column: 1, severity: "warning", message: "unused" }]))).toBeNull();
  });

  it("names the first error (not a warning before it), with the count of errors", () => {
    const failure = compileFailure(
      report(["compile_error", "compile_error"], [
        { line: 2, column: 1, severity: "warning", message: "unused" },
        { line: 10, column: 9, severity: "error", message: `Expected ";" but found "n"` },
        { line: 12, column: 3, severity: "error", message: "second" },
      ]),
    );
    expect(failure).toEqual({ first: { line: 10, column: 9, severity: "error", message: `Expected ";" but found "n"` }, errorCount: 2, exercisesNotRun: 2 });
  });

  it("a compile error without a position still fails, with no first error to point at", () => {
    expect(compileFailure(report(["compile_error"], []))).toEqual({ first: null, errorCount: 0, exercisesNotRun: 1 });
  });
});

import { describeMistake, notRunReason, type CaseReport, type ExerciseReport, type FormattableReport } from "../report.ts";

/** Gradescope autograder results.json (gradescope-autograders.readthedocs.io, "Autograder Specifications"). */
export interface GradescopeResults {
  score: number;
  output: string;
  visibility: "visible";
  tests: GradescopeTest[];
}

export interface GradescopeTest {
  name: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  /** Hidden cases are revealed only once grades are published, like autograde's own hidden cases. */
  visibility: "visible" | "after_published";
  tags: string[];
}

function caseOutput(c: CaseReport): string {
  const body = c.printout ? `${c.message}\nyours:    ${c.printout.got}\nexpected: ${c.printout.expected}` : c.message;
  return c.mistake ? `${body}\n${describeMistake(c.mistake)}` : body;
}

function testsFor(e: ExerciseReport): GradescopeTest[] {
  // Each case carries an equal share in whole cents, the first few a cent more, so the tests' max
  // scores add up to the exercise's points exactly under the two-decimal rule.
  const cents = Math.round(e.maxScore * 100);
  const base = e.cases.length === 0 ? 0 : Math.floor(cents / e.cases.length);
  const share = (i: number) => (base + (i < cents - base * e.cases.length ? 1 : 0)) / 100;
  const notRun = notRunReason(e);
  const output = (c: CaseReport) => {
    if (notRun) return notRun;
    return e.message && c.outcome !== "passed" ? `${e.status}: ${caseOutput(c)}` : caseOutput(c);
  };
  return e.cases.map((c, i) => ({
    name: `${e.id}: ${c.name}`,
    score: c.outcome === "passed" ? share(i) : 0,
    max_score: share(i),
    status: c.outcome === "passed" ? "passed" : "failed",
    output: output(c),
    visibility: c.visible ? "visible" : "after_published",
    tags: [e.id],
  }));
}

export function toGradescope(report: FormattableReport): GradescopeResults {
  const summary = report.exercises.map((e) => `${e.id}: ${e.score}/${e.maxScore} (${e.status})${e.mistake ? `; ${describeMistake(e.mistake)}` : ""}`);
  const warnings = report.diagnostics.map((d) => `line ${d.line}, column ${d.column}: ${d.severity}: ${d.message}`);
  return {
    score: report.score,
    output: [...summary, ...(warnings.length > 0 ? ["", "Type check:", ...warnings] : []), ...(report.catalogueVersion ? ["", `catalogue version: ${report.catalogueVersion}`] : [])].join("\n"),
    visibility: "visible",
    tests: report.exercises.flatMap(testsFor),
  };
}

export function formatGradescope(report: FormattableReport): string {
  return `${JSON.stringify(toGradescope(report), null, 2)}\n`;
}

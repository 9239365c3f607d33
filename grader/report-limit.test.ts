import { describe, expect, it } from "vitest";
import type { CaseReport, Report } from "./report.ts";
import { clipReportText, limitReportSize, reportBytes } from "./report-limit.ts";

function reportWith(cases: CaseReport[], diagnostics: Report["diagnostics"] = []): Report {
  return {
    score: 5,
    maxScore: 10,
    exercises: [{ id: "zero_pad", title: "Zero-padding", score: 5, maxScore: 10, status: "partial", cases }],
    diagnostics,
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

const row = (i: number, message: string, printout?: string): CaseReport => ({
  name: `case ${i}`,
  visible: printout !== undefined,
  outcome: i % 2 === 0 ? "passed" : "wrong",
  message,
  ...(printout === undefined ? {} : { printout: { got: printout, expected: "x = 1" } }),
});

describe("clipReportText", () => {
  it("clips messages, printouts and diagnostics, and leaves short text alone", () => {
    const long = "z".repeat(10_000);
    const report = clipReportText(reportWith([row(1, long, long), row(2, "passed")], [{ line: 3, column: 1, severity: "warning", message: long }]));
    const [first, second] = report.exercises[0]!.cases;
    expect(first!.message).toBe(`${"z".repeat(4096)}… [clipped: 10000 characters]`);
    expect(first!.printout).toEqual({ got: first!.message, expected: "x = 1" });
    expect(second!.message).toBe("passed");
    expect(report.diagnostics[0]!.message).toBe(first!.message);
  });
});

describe("limitReportSize", () => {
  it("returns a report within the cap unchanged", () => {
    const report = reportWith([row(1, "wrong", "x = 2")]);
    expect(limitReportSize(report, 65_536)).toBe(report);
  });

  it("drops printouts first, and only them when that is enough", () => {
    const cases = Array.from({ length: 30 }, (_, i) => row(i, `message ${i}`, "p".repeat(4000)));
    const report = limitReportSize(reportWith(cases), 65_536);
    const kept = report.exercises[0]!.cases;
    expect(kept.map((c) => [c.outcome, c.message, c.printout])).toEqual(cases.map((c) => [c.outcome, c.message, undefined]));
    expect(report.score).toBe(5);
    expect(report.diagnostics).toEqual([
      { line: 1, column: 1, severity: "warning", message: `the report was ${reportBytes(reportWith(cases))} bytes, over the limit of 65536 bytes: printouts were left out` },
    ]);
  });

  it("gives up messages last, keeping every outcome, until the report fits", () => {
    const cases = Array.from({ length: 400 }, (_, i) => row(i, "m".repeat(4000)));
    const diagnostics = Array.from({ length: 50 }, () => ({ line: 2, column: 1, severity: "warning" as const, message: "d".repeat(4000) }));
    const report = limitReportSize(reportWith(cases, diagnostics), 65_536);
    expect(reportBytes(report)).toBeLessThanOrEqual(65_536);
    expect(report.exercises[0]!.cases.map((c) => [c.name, c.outcome, c.message])).toEqual(cases.map((c) => [c.name, c.outcome, c.outcome === "passed" ? "passed" : "wrong answer"]));
    expect(report.diagnostics).toHaveLength(1);
    expect(report.diagnostics[0]!.message).toMatch(/: printouts, messages beyond 200 characters, diagnostics, case messages were left out$/);
  });
});

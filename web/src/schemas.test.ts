import { describe, expect, expectTypeOf, it } from "vitest";
import type { z } from "zod";
import { report, type Report } from "../../grader/report.ts";
import { GRADEBOOK_CSV_LAYOUTS as SERVER_LAYOUTS, type exerciseDetail as serverExerciseDetail, type identity as serverIdentity } from "../../server/schemas.ts";
import { GRADEBOOK_CSV_LAYOUTS, pageReport, submission, type ExerciseCatalogue, type Identity, type PageReport } from "./schemas.ts";

const fullReport: Report = {
  score: 12.5,
  maxScore: 100,
  diagnostics: [{ line: 3, column: 7, severity: "error", message: "Type 'string' is not assignable to type 'number'." }],
  exercises: [
    {
      id: "pool_backward",
      title: "Pooling backward",
      score: 12.5,
      maxScore: 15,
      status: "partial",
      message: "one case timed out",
      cases: [
        { name: "A_prev=[5,5,3,2] f=2 s=1 mode=max", visible: true, outcome: "passed", message: "matched", variant: "assign", printout: { got: "mean of dA = 0.145", expected: "mean of dA = 0.145" }, durationMs: 3.2 },
        { name: "A_prev=[1,6,6,1] f=3 s=3 mode=average", visible: false, outcome: "timeout", message: "over 2000 ms" },
      ],
    },
  ],
  timings: { totalMs: 40, compileMs: 5, typecheckMs: 20, dispatchMs: 1, isolateMs: 4, runMs: 9, compareMs: 1 },
};

describe("the page's report schema mirrors grader/report.ts", () => {
  it("every grader Report is a PageReport (type level)", () => {
    expectTypeOf<Report>().toExtend<PageReport>();
  });

  it("a report the grader's schema accepts parses here unchanged, optional fields included", () => {
    expect(report.parse(fullReport)).toEqual(fullReport);
    expect(pageReport.parse(fullReport)).toEqual(fullReport);
  });

  it("a student's report (no timings, hidden cases reduced) parses", () => {
    const { timings: _timings, ...student } = fullReport;
    expect(pageReport.parse(student).timings).toBeUndefined();
  });

  it.each([
    ["unknown outcome", { ...fullReport, exercises: [{ ...fullReport.exercises[0]!, cases: [{ name: "x", visible: true, outcome: "exploded", message: "" }] }] }],
    ["score missing", { ...fullReport, score: undefined }],
  ])("rejects a report with %s", (_name, bad) => {
    expect(pageReport.safeParse(bad).success).toBe(false);
  });

  it("submission ids may be strings or numbers and come out as strings", () => {
    expect(submission.parse({ id: 7, status: "queued" }).id).toBe("7");
  });
});

describe("the page's schemas mirror the service's", () => {
  it("GET /v1/me and GET /v1/exercises?detail=true answers fit the page's types", () => {
    expectTypeOf<z.infer<typeof serverIdentity>>().toExtend<Identity>();
    expectTypeOf<{ exercises: z.infer<typeof serverExerciseDetail>[]; starterModule: string }>().toExtend<ExerciseCatalogue>();
  });

  it("the page offers exactly the service's CSV layouts", () => {
    expect(GRADEBOOK_CSV_LAYOUTS.map((layout) => layout.id)).toEqual([...SERVER_LAYOUTS]);
  });
});

import { describe, expect, it } from "vitest";
import { COMPILE_ERROR_CASE_MESSAGE, type Report } from "../grader/report.ts";
import { redactForStudent, studentReport } from "./redact.ts";

const SECRET = "0.4967141530112327";

const staffReport: Report = {
  score: 5,
  maxScore: 10,
  diagnostics: [{ line: 3, column: 7, severity: "warning", message: "Type 'string' is not assignable" }],
  timings: { totalMs: 90, compileMs: 5, typecheckMs: 20, dispatchMs: 1, isolateMs: 3, runMs: 50, compareMs: 11 },
  exercises: [
    {
      id: "zero_pad",
      title: "Zero padding",
      score: 5,
      maxScore: 10,
      status: "partial",
      cases: [
        { name: "worksheet x=[4,3,3,2] pad=2", visible: true, outcome: "passed", message: "ok", printout: { got: "x.shape = (4, 3, 3, 2)", expected: "x.shape = (4, 3, 3, 2)" }, durationMs: 2 },
        { name: "x=[1,5,7,1] pad=1", visible: false, outcome: "wrong", message: `at [0, 1, 1, 0]: expected ${SECRET}, got 0`, durationMs: 3 },
        { name: "x=[2,3,3,1] pad=0", visible: false, outcome: "error", message: `Error: input was ${SECRET}`, durationMs: 1 },
        { name: "x=[3,3,3,3] pad=3", visible: false, outcome: "passed", message: "matched", variant: "assign", durationMs: 4 },
        { name: "x=[50,40,40,3] pad=2", visible: false, outcome: "timeout", message: "ran past 2000 ms" },
      ],
    },
  ],
};

describe("redactForStudent", () => {
  const student = redactForStudent(staffReport);

  it("keeps scores, statuses, diagnostics and visible cases (minus timings)", () => {
    expect(student.score).toBe(5);
    expect(student.diagnostics).toEqual(staffReport.diagnostics);
    expect(student.exercises[0]?.cases[0]).toEqual({
      name: "worksheet x=[4,3,3,2] pad=2", visible: true, outcome: "passed", message: "ok",
      printout: { got: "x.shape = (4, 3, 3, 2)", expected: "x.shape = (4, 3, 3, 2)" },
    });
  });

  it("reduces hidden cases to name, outcome and a generic message", () => {
    expect(student.exercises[0]?.cases.slice(1)).toEqual([
      { name: "x=[1,5,7,1] pad=1", visible: false, outcome: "wrong", message: "wrong answer" },
      { name: "x=[2,3,3,1] pad=0", visible: false, outcome: "error", message: "your code threw an error on this hidden case" },
      { name: "x=[3,3,3,3] pad=3", visible: false, outcome: "passed", message: "passed" },
      { name: "x=[50,40,40,3] pad=2", visible: false, outcome: "timeout", message: "time limit exceeded" },
    ]);
  });

  it("says a hidden case of a module that did not compile was not run, not that student code threw", () => {
    const notCompiled = redactForStudent({
      ...staffReport,
      exercises: [{ ...staffReport.exercises[0]!, status: "compile_error", score: 0, message: "the module did not compile", cases: [{ name: "x=[1,5,7,1] pad=1", visible: false, outcome: "error", message: COMPILE_ERROR_CASE_MESSAGE }] }],
    });
    expect(notCompiled.exercises[0]?.cases).toEqual([{ name: "x=[1,5,7,1] pad=1", visible: false, outcome: "error", message: COMPILE_ERROR_CASE_MESSAGE }]);
  });

  it("leaves no value, duration or timing anywhere in the student view", () => {
    const text = JSON.stringify(student);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("durationMs");
    expect(text).not.toContain("timings");
    expect(studentReport.safeParse(student).success).toBe(true);
  });
});

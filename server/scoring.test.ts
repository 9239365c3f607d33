import { describe, expect, it } from "vitest";
import { exercises } from "../exercises/index.ts";
import type { Report } from "../grader/report.ts";
import { assignmentGradebook, pointsOf, scoreReport } from "./scoring.ts";
import { defaultAssignment, type AssignmentCell } from "./storage/course-types.ts";

const zeroPadPoints = exercises.find((e) => e.id === "zero_pad")!.points;
const report = (scores: Record<string, number>): Report => ({
  score: Object.values(scores).reduce((a, b) => a + b, 0),
  maxScore: 0,
  exercises: Object.entries(scores).map(([id, score]) => ({ id: id as "zero_pad", title: id, score, maxScore: exercises.find((e) => e.id === id)!.points, status: "partial", cases: [] })),
  diagnostics: [],
  timings: { totalMs: 0, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
});

describe("scoreReport", () => {
  it("counts only the assignment's exercises, at its points, then the penalty", () => {
    const points = pointsOf({ exercises: ["zero_pad"], points: { zero_pad: 20 } }, exercises);
    expect([...points]).toEqual([["zero_pad", 20]]);
    const scored = scoreReport(report({ zero_pad: zeroPadPoints / 2, distribute_value: 3 }), points, { minutes: 61, penaltyPercent: 20 });
    expect(scored).toMatchObject({ rawScore: 10, score: 8, maxScore: 20 });
    expect([...scored.exercises.keys()]).toEqual(["zero_pad"]);
  });
  it("the default assignment scores as the grader did", () => {
    const full = report({ zero_pad: 4, distribute_value: 3 });
    const scored = scoreReport(full, pointsOf(defaultAssignment("default"), exercises), null);
    expect(scored.rawScore).toBe(7);
    expect(scored.score).toBe(7);
  });
});

describe("assignmentGradebook", () => {
  const cell = (student: string, submissionId: string, score: number, late: AssignmentCell["late"] = null): AssignmentCell =>
    ({ submissionId, student, createdAt: 0, late, exercise: "zero_pad", score, maxScore: zeroPadPoints });
  const cells = [cell("bob", "s1", zeroPadPoints), cell("bob", "s2", zeroPadPoints / 2), cell("alice", "s3", zeroPadPoints, { minutes: 5, penaltyPercent: 50 }), cell("prof", "s4", zeroPadPoints)];
  const hw = { exercises: ["zero_pad"] as const, points: { zero_pad: 10 } };
  it("best: the best penalized score, raw beside it, staff left out", () => {
    const book = assignmentGradebook({ ...hw, scorePolicy: "best" }, exercises, cells, (name) => name !== "prof");
    expect(book.maxTotal).toBe(10);
    expect(book.students).toEqual([
      { student: "alice", scores: { zero_pad: 5 }, total: 5, rawScores: { zero_pad: 10 }, rawTotal: 10, lateSubmissions: 1 },
      { student: "bob", scores: { zero_pad: 10 }, total: 10, rawScores: { zero_pad: 10 }, rawTotal: 10, lateSubmissions: 0 },
    ]);
  });
  it("latest: the newest submission's", () => {
    const book = assignmentGradebook({ ...hw, scorePolicy: "latest" }, exercises, cells);
    expect(book.students.find((s) => s.student === "bob")?.scores).toEqual({ zero_pad: 5 });
    expect(book.students.map((s) => s.student)).toEqual(["alice", "bob", "prof"]);
  });
});

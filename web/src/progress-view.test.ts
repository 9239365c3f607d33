import { describe, expect, it } from "vitest";
import { progressRows, progressSummary } from "./progress-view.ts";
import { submission } from "./schemas.ts";

const progress = {
  exercises: [
    { id: "zero_pad", state: "graded" as const, score: 7.456, maxScore: 10 },
    { id: "conv_single_step", state: "graded" as const, maxScore: 10 },
    { id: "conv_forward", state: "running" as const, maxScore: 20 },
    { id: "pool_forward", state: "waiting" as const, maxScore: 15 },
  ],
};

describe("grading progress", () => {
  it("one row per exercise in the service's order, scores by the one rounding rule", () => {
    expect(progressRows(progress).map((r) => [r.id, r.state, r.text])).toEqual([
      ["zero_pad", "graded", "graded 7.46/10"],
      ["conv_single_step", "graded", "graded"],
      ["conv_forward", "running", "running…"],
      ["pool_forward", "waiting", "waiting"],
    ]);
  });

  it("summarises how many are graded", () => {
    expect(progressSummary(progress)).toBe("2 of 4 exercises graded");
    expect(progressSummary({ exercises: [progress.exercises[3]!] })).toBe("0 of 1 exercise graded");
  });

  it("the submission schema takes progress when present and does without it", () => {
    expect(submission.parse({ id: "s1", status: "running", progress }).progress).toEqual(progress);
    expect(submission.parse({ id: "s1", status: "running" }).progress).toBeUndefined();
    expect(submission.safeParse({ id: "s1", status: "running", progress: { exercises: [{ id: "zero_pad", state: "done", maxScore: 10 }] } }).success).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { formatScore, scoreOf } from "./report-view.ts";

describe("scores on the page follow grader/round-score.ts", () => {
  it.each<[number | null, number, string]>([
    [2.855, 10, "2.86/10"],
    [71.99, 100, "71.99/100"],
    [0.5, 5, "0.5/5"],
    [3, 10, "3/10"],
    [null, 12.5, "–/12.5 (hidden)"],
  ])("formatScore(%j, %j) = %j (two decimals, never one)", (score, max, text) => {
    expect(formatScore(score, max)).toBe(text);
  });

  it("scoreOf prefers the submission's (penalized) score to the report's", () => {
    expect(scoreOf({ score: 8.333, maxScore: 10, report: { score: 9, maxScore: 10, exercises: [], diagnostics: [] } })).toBe("8.33/10");
    expect(scoreOf({ report: { score: 9.125, maxScore: 10, exercises: [], diagnostics: [] } })).toBe("9.13/10");
    expect(scoreOf({})).toBe("");
  });
});

import { describe, expect, it } from "vitest";
import { formatScore, roundScore } from "./round-score.ts";

describe("roundScore", () => {
  it.each([
    ["20/7 of 1 point", 20 / 7, 2.86],
    ["a half-cent written as 2.855", 2.855, 2.86],
    ["just under a half-cent", 2.8549, 2.85],
    ["a whole number", 15, 15],
    ["zero", 0, 0],
    ["1/3", 1 / 3, 0.33],
    ["0.1 + 0.2", 0.1 + 0.2, 0.3],
  ])("%s → %s", (_name, x, rounded) => {
    expect(roundScore(x)).toBe(rounded);
  });
});

describe("formatScore", () => {
  it.each([
    [20 / 7, "2.86"],
    [3, "3"],
    [0.5, "0.5"],
    [12.004, "12"],
  ])("%s prints as %s", (x, printed) => {
    expect(formatScore(x)).toBe(printed);
  });
});

import { describe, expect, it } from "vitest";
import { attemptNumbers, describeSubmission, exercisesLabel } from "./history-view.ts";
import { formatDateTime } from "./time.ts";

const catalogue = ["zero_pad", "conv_single_step", "conv_forward", "pool_forward"];

describe("history helpers", () => {
  it("numbers attempts from the oldest, only when the list is complete", () => {
    const items = [{ id: "c" }, { id: "b" }, { id: "a" }];
    expect([...attemptNumbers(items, true)]).toEqual([["c", 3], ["b", 2], ["a", 1]]);
    expect(attemptNumbers(items, false).size).toBe(0);
  });

  it("names a submission by short id, attempt and local date", () => {
    const createdAt = "2026-12-04T01:02:03.000Z";
    expect(describeSubmission({ id: "1a2b3c4d-0000-4000-8000-000000000000", createdAt }, 2)).toBe(`submission 1a2b3c4d (attempt 2, ${formatDateTime(createdAt)})`);
    expect(describeSubmission({ id: "s-7" }, undefined)).toBe("submission s-7");
  });

  it.each<[string, string[] | null | undefined, string]>([
    ["null: every exercise", null, "all 4 exercises"],
    ["the whole catalogue listed", [...catalogue].reverse(), "all 4 exercises"],
    ["one or two: their ids", ["zero_pad", "pool_forward"], "zero_pad, pool_forward"],
    ["more: a count", ["zero_pad", "conv_forward", "pool_forward"], "3 exercises"],
  ])("exercises label, %s", (_name, exercises, text) => {
    const label = exercisesLabel(exercises, catalogue);
    expect(label.text).toBe(text);
    expect(label.full.split(", ").sort()).toEqual([...(exercises ?? catalogue)].sort());
  });
});

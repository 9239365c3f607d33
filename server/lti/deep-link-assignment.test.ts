import { describe, expect, it } from "vitest";
import { assignmentFromForm } from "./deep-link-assignment.ts";

const form = (fields: Record<string, string>) => assignmentFromForm(fields, "lti-1", ["zero_pad"], "autograde: zero_pad");

describe("assignmentFromForm (the deep-linking form's deadline and limits)", () => {
  it("an untouched form is the link's exercises with no dates or limits", () => {
    expect(form({ dueAt: "", dueAtLocal: "", penaltyPercent: "", penaltyUnit: "day", hiddenResults: "immediately", scorePolicy: "best" })).toEqual({
      ok: true,
      policy: {
        title: "autograde: zero_pad", exercises: ["zero_pad"], points: null, opensAt: null, dueAt: null, lateUntil: null,
        latePenalty: null, maxAttempts: null, minMinutesBetween: null, hiddenResults: "immediately", scorePolicy: "best",
      },
    });
  });

  it("takes the script's ISO dates over the datetime-local values, and every limit", () => {
    const result = form({
      title: "Padding", dueAt: "2026-12-10T22:59:00.000Z", dueAtLocal: "2026-12-10T23:59", lateUntil: "2026-12-12T22:59:00.000Z",
      penaltyPercent: "10", penaltyUnit: "hour", penaltyMax: "50", maxAttempts: "3", minMinutesBetween: "10", hiddenResults: "after_due", scorePolicy: "latest",
    });
    expect(result).toMatchObject({
      ok: true,
      policy: {
        title: "Padding", dueAt: Date.UTC(2026, 11, 10, 22, 59), lateUntil: Date.UTC(2026, 11, 12, 22, 59),
        latePenalty: { unit: "hour", percentPerUnit: 10, maxPercent: 50 }, maxAttempts: 3, minMinutesBetween: 10, hiddenResults: "after_due", scorePolicy: "latest",
      },
    });
  });

  it("without script, reads a datetime-local value as UTC, and a penalty per day capped at 100 by default", () => {
    expect(form({ dueAtLocal: "2026-12-10T23:59", lateUntilLocal: "2026-12-11T23:59", penaltyPercent: "5" })).toMatchObject({
      ok: true,
      policy: { dueAt: Date.UTC(2026, 11, 10, 23, 59), lateUntil: Date.UTC(2026, 11, 11, 23, 59), latePenalty: { unit: "day", percentPerUnit: 5, maxPercent: 100 } },
    });
  });

  it.each([
    ["dueAt after lateUntil", { dueAt: "2026-12-10T00:00:00Z", lateUntil: "2026-12-09T00:00:00Z" }, "dueAt"],
    ["lateUntil without dueAt", { lateUntil: "2026-12-09T00:00:00Z" }, "lateUntil"],
    ["a date that is not ISO 8601", { dueAt: "next friday" }, "dueAt"],
    ["a penalty over 100", { penaltyPercent: "120" }, "latePenalty.percentPerDay"],
    ["a cap below 0", { penaltyPercent: "5", penaltyMax: "-1" }, "latePenalty.maxPercent"],
    ["maxAttempts 0", { maxAttempts: "0" }, "maxAttempts"],
    ["maxAttempts not a number", { maxAttempts: "many" }, "maxAttempts"],
    ["an unknown release policy", { hiddenResults: "sometimes" }, "hiddenResults"],
  ])("refuses %s, naming the field", (_name, fields, field) => {
    const result = form(fields);
    expect(result).toMatchObject({ ok: false, field });
    expect(result.ok === false && result.message).toContain(field.split(".")[0]);
  });
});

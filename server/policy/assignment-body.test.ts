import { describe, expect, it } from "vitest";
import { assignmentBody, assignmentBodyOf, assignmentPolicy } from "./assignment-body.ts";

const fieldsOf = (input: unknown) => {
  const parsed = assignmentBody.safeParse(input);
  return parsed.success ? [] : parsed.error.issues.map((i) => i.path.join("."));
};

describe("assignmentBody", () => {
  it.each([
    ["dueAt after lateUntil", { dueAt: "2026-12-10T00:00:00Z", lateUntil: "2026-12-09T00:00:00Z" }, "dueAt"],
    ["lateUntil without dueAt", { lateUntil: "2026-12-09T00:00:00Z" }, "lateUntil"],
    ["a date that is not ISO 8601", { dueAt: "next friday" }, "dueAt"],
    ["a date without a zone", { dueAt: "2026-12-10T00:00:00" }, "dueAt"],
    ["a penalty over 100", { latePenalty: { percentPerHour: 120, maxPercent: 50 } }, "latePenalty.percentPerHour"],
    ["a negative cap", { latePenalty: { percentPerDay: 10, maxPercent: -1 } }, "latePenalty.maxPercent"],
    ["both rates", { latePenalty: { percentPerDay: 10, percentPerHour: 1, maxPercent: 50 } }, "latePenalty.percentPerHour"],
    ["an exercise outside the catalogue", { exercises: ["zero_pad", "softmax"] }, "exercises.1"],
    ["maxAttempts 0", { maxAttempts: 0 }, "maxAttempts"],
    ["points for an exercise left out", { exercises: ["zero_pad"], points: { conv_forward: 5 } }, "points.conv_forward"],
    ["an unknown field", { deadline: "2026-12-10T00:00:00Z" }, ""],
  ])("refuses %s, naming the field", (_name, body, field) => {
    expect(fieldsOf(body)).toContain(field);
  });

  it("reads dates in any zone as UTC instants and round-trips", () => {
    const body = assignmentBody.parse({
      exercises: ["zero_pad"],
      points: { zero_pad: 10 },
      dueAt: "2026-12-10T12:00:00+01:00",
      lateUntil: "2026-12-11T11:00:00Z",
      latePenalty: { percentPerHour: 10, maxPercent: 50 },
      maxAttempts: 3,
      hiddenResults: "after_due",
    });
    const policy = assignmentPolicy("hw1", body);
    expect(policy).toMatchObject({
      title: "hw1",
      dueAt: Date.UTC(2026, 11, 10, 11),
      latePenalty: { unit: "hour", percentPerUnit: 10, maxPercent: 50 },
      scorePolicy: "best",
      opensAt: null,
      minMinutesBetween: null,
    });
    expect(assignmentBodyOf(policy)).toEqual({ ...body, title: "hw1", dueAt: "2026-12-10T11:00:00.000Z", lateUntil: "2026-12-11T11:00:00.000Z" });
    expect(assignmentPolicy("x", assignmentBody.parse({}))).toMatchObject({ exercises: null, hiddenResults: "immediately", dueAt: null, maxAttempts: null });
  });
});

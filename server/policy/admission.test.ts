import { describe, expect, it } from "vitest";
import { defaultAssignment, type AssignmentPolicy } from "../storage/course-types.ts";
import { admit, attemptLimits, attemptRefusal, attemptsView, releaseOf } from "./admission.ts";

const H = 3_600_000;
const hw = (overrides: Partial<AssignmentPolicy> = {}): AssignmentPolicy => ({
  ...defaultAssignment("c"),
  opensAt: 1 * H,
  dueAt: 10 * H,
  lateUntil: 20 * H,
  latePenalty: { unit: "hour", percentPerUnit: 10, maxPercent: 50 },
  ...overrides,
});

describe("admit", () => {
  it.each([
    ["before opensAt", hw(), null, 0, { kind: "not_open", opensAt: 1 * H }],
    ["on time", hw(), null, 5 * H, { kind: "open", deadline: { dueAt: 10 * H, lateUntil: 20 * H }, late: null }],
    ["late, inside the window", hw(), null, 12 * H, { kind: "open", deadline: { dueAt: 10 * H, lateUntil: 20 * H }, late: { minutes: 120, penaltyPercent: 20 } }],
    ["after lateUntil", hw(), null, 21 * H, { kind: "closed", closedAt: 20 * H }],
    ["after dueAt without a late window", hw({ lateUntil: null }), null, 11 * H, { kind: "closed", closedAt: 10 * H }],
    ["after lateUntil but inside the extension", hw(), { dueAt: 30 * H, lateUntil: null }, 25 * H, { kind: "open", deadline: { dueAt: 30 * H, lateUntil: 30 * H }, late: null }],
    ["no dates at all", defaultAssignment("c"), null, 99 * H, { kind: "open", deadline: { dueAt: null, lateUntil: null }, late: null }],
  ] as const)("%s", (_name, assignment, extension, now, expected) => {
    expect(admit({ assignment, extension, staff: false, now })).toEqual(expected);
  });

  it("never refuses or charges staff", () => {
    expect(admit({ assignment: hw(), extension: null, staff: true, now: 0 }).kind).toBe("open");
    expect(admit({ assignment: hw(), extension: null, staff: true, now: 99 * H })).toMatchObject({ kind: "open", late: null });
  });
});

describe("attempt limits", () => {
  const limited = hw({ maxAttempts: 3, minMinutesBetween: 10 });
  it("are handed to storage only when the assignment has some, and never for staff", () => {
    expect(attemptLimits(limited, false)).toEqual({ max: 3, minGapMs: 600_000 });
    expect(attemptLimits(limited, true)).toBeNull();
    expect(attemptLimits(hw(), false)).toBeNull();
    expect(attemptLimits(hw({ maxAttempts: 1 }), false)).toEqual({ max: 1, minGapMs: null });
  });
  it.each([
    ["nothing used", { used: 0, lastAt: null }, 0, { used: 0, max: 3, nextAllowedAt: null }, { maxAttempts: 3, used: 0 }],
    ["inside the gap", { used: 1, lastAt: 1000 }, 2000, { used: 1, max: 3, nextAllowedAt: 601_000 }, { maxAttempts: 3, used: 1, retryAt: 601_000 }],
    ["after the gap", { used: 2, lastAt: 1000 }, 700_000, { used: 2, max: 3, nextAllowedAt: null }, { maxAttempts: 3, used: 2 }],
    ["cap reached: waiting does not help", { used: 3, lastAt: 1000 }, 2000, { used: 3, max: 3, nextAllowedAt: null }, { maxAttempts: 3, used: 3 }],
  ] as const)("%s", (_name, count, now, view, refusal) => {
    expect(attemptsView(limited, count, now)).toEqual(view);
    expect(attemptRefusal(limited, count, now)).toEqual(refusal);
  });
});

describe("releaseOf", () => {
  const deadline = { dueAt: 10 * H, lateUntil: 20 * H };
  it.each([
    ["immediately", 0, { kind: "released", at: null }],
    ["after_due", 5 * H, { kind: "at", at: 10 * H }],
    ["after_due", 10 * H, { kind: "released", at: 10 * H }],
    ["never", 99 * H, { kind: "never" }],
  ] as const)("%s at %d", (hiddenResults, now, expected) => {
    expect(releaseOf({ hiddenResults }, deadline, now)).toEqual(expected);
  });
  it("after_due without a due date has nothing to wait for", () => {
    expect(releaseOf({ hiddenResults: "after_due" }, { dueAt: null, lateUntil: null }, 0)).toEqual({ kind: "released", at: null });
  });
});

import { describe, expect, it } from "vitest";
import { closesAt, effectiveDeadline, latenessOf, penalized, penaltyPercent } from "./deadlines.ts";

const H = 3_600_000;
const M = 60_000;
const perHour = { unit: "hour", percentPerUnit: 10, maxPercent: 50 } as const;
const perDay = { unit: "day", percentPerUnit: 25, maxPercent: 100 } as const;

describe("penaltyPercent rounds lateness up to the unit and caps it", () => {
  it.each([
    [0, perHour, 0],
    [1, perHour, 10],
    [60 * M, perHour, 10],
    [61 * M, perHour, 20],
    [4 * H + 1, perHour, 50],
    [100 * H, perHour, 50],
    [1, perDay, 25],
    [24 * H + 1, perDay, 50],
    [30 * 24 * H, perDay, 100],
    [5 * H, null, 0],
  ] as const)("%d ms late at %o: %d%%", (lateMs, penalty, expected) => {
    expect(penaltyPercent(lateMs, penalty)).toBe(expected);
  });
});

describe("latenessOf", () => {
  const deadline = { dueAt: 10 * H, lateUntil: 20 * H };
  it.each([
    [9 * H, null],
    [10 * H, null],
    [10 * H + 1, { minutes: 1, penaltyPercent: 10 }],
    [10 * H + 61 * M, { minutes: 61, penaltyPercent: 20 }],
    [19 * H, { minutes: 540, penaltyPercent: 50 }],
  ] as const)("submitted at %d: %o", (at, expected) => {
    expect(latenessOf(at, deadline, perHour)).toEqual(expected);
  });
  it("is never late without a due date, and late without a penalty costs nothing", () => {
    expect(latenessOf(99 * H, { dueAt: null, lateUntil: null }, perHour)).toBeNull();
    expect(latenessOf(11 * H, deadline, null)).toEqual({ minutes: 60, penaltyPercent: 0 });
  });
});

describe("effectiveDeadline: an extension moves the due date and never counts as late time", () => {
  const assignment = { dueAt: 10 * H, lateUntil: 20 * H };
  it.each([
    ["no extension", null, { dueAt: 10 * H, lateUntil: 20 * H }],
    ["a later due date keeps the late window", { dueAt: 15 * H, lateUntil: null }, { dueAt: 15 * H, lateUntil: 20 * H }],
    ["a due date past the window stretches it", { dueAt: 30 * H, lateUntil: null }, { dueAt: 30 * H, lateUntil: 30 * H }],
    ["its own late window wins", { dueAt: 30 * H, lateUntil: 40 * H }, { dueAt: 30 * H, lateUntil: 40 * H }],
  ] as const)("%s", (_name, extension, expected) => {
    expect(effectiveDeadline(assignment, extension)).toEqual(expected);
  });
  it("without a late window the extension's due date closes it", () => {
    expect(effectiveDeadline({ dueAt: 10 * H, lateUntil: null }, { dueAt: 12 * H, lateUntil: null })).toEqual({ dueAt: 12 * H, lateUntil: null });
    expect(closesAt({ dueAt: 12 * H, lateUntil: null })).toBe(12 * H);
    expect(closesAt({ dueAt: 12 * H, lateUntil: 13 * H })).toBe(13 * H);
    expect(closesAt({ dueAt: null, lateUntil: null })).toBeNull();
  });
  it("a submission one hour after the original due date but inside the extension is on time", () => {
    const extended = effectiveDeadline(assignment, { dueAt: 12 * H, lateUntil: null });
    expect(latenessOf(11 * H, extended, perHour)).toBeNull();
    expect(latenessOf(12 * H + 30 * M, extended, perHour)).toEqual({ minutes: 30, penaltyPercent: 10 });
  });
});

describe("penalized", () => {
  it.each([
    [80, null, 80],
    [80, { minutes: 61, penaltyPercent: 20 }, 64],
    [33.3333, { minutes: 1, penaltyPercent: 10 }, 30],
    [50, { minutes: 9999, penaltyPercent: 100 }, 0],
  ] as const)("%d with %o: %d", (raw, late, expected) => {
    expect(penalized(raw, late)).toBeCloseTo(expected, 4);
  });
});

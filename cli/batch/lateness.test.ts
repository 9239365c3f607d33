import { describe, expect, it } from "vitest";
import { assignmentPolicy } from "../../server/policy/index.ts";
import type { BatchRow } from "./journal.ts";
import type { BatchSubmission } from "./layouts.ts";
import { applyLatePolicy, parseSubmittedAt } from "./lateness.ts";

const policy = assignmentPolicy("hw", {
  dueAt: "2026-11-01T12:00:00Z",
  lateUntil: "2026-11-02T12:00:00Z",
  latePenalty: { percentPerHour: 10, maxPercent: 50 },
  hiddenResults: "immediately",
  scorePolicy: "best",
});
const row: BatchRow = { key: "k", students: ["s"], status: "graded", score: 80, maxScore: 100, exercises: {}, late: null };
const at = (submittedAt?: string, mtimeMs?: number, late?: boolean): BatchSubmission => ({
  key: "k",
  students: ["s"],
  source: { kind: "source", path: "s.ts", bytes: Buffer.from(""), ...(mtimeMs !== undefined ? { mtimeMs } : {}) },
  ...(submittedAt !== undefined ? { submittedAt } : {}),
  ...(late !== undefined ? { late } : {}),
});

describe("parseSubmittedAt", () => {
  it("reads Gradescope's Ruby times and ISO ones", () => {
    expect(parseSubmittedAt("2026-11-01 12:00:00.123456789 -07:00")).toBe(Date.parse("2026-11-01T19:00:00.123Z"));
    expect(parseSubmittedAt("2026-11-01T12:00:00Z")).toBe(Date.parse("2026-11-01T12:00:00Z"));
    expect(parseSubmittedAt("yesterday")).toBeUndefined();
  });
});

describe("applyLatePolicy", () => {
  it("charges every started hour late, as the service does", () => {
    const late = applyLatePolicy(row, at("2026-11-01 13:30:00 +00:00"), policy, false);
    expect(late).toMatchObject({ score: 64, late: true, reason: "90 minutes late: -20% (raw 80)" });
    expect(applyLatePolicy(row, at("2026-11-01 11:00:00 +00:00"), policy, false)).toMatchObject({ score: 80, late: false });
  });

  it("scores 0 after the late window closed, saying so", () => {
    expect(applyLatePolicy(row, at("2026-11-03 00:00:00 Z"), policy, false)).toMatchObject({ score: 0, late: true, reason: expect.stringMatching(/after the assignment closed.*raw 80/) });
  });

  it("uses a file's time only with --use-mtime, and charges nothing it cannot time", () => {
    const mtime = Date.parse("2026-11-01T14:10:00Z");
    expect(applyLatePolicy(row, at(undefined, mtime), policy, false)).toEqual(row);
    expect(applyLatePolicy(row, at(undefined, mtime), policy, true)).toMatchObject({ score: 56, late: true });
    const canvasLate = { ...row, late: true };
    expect(applyLatePolicy(canvasLate, at(undefined, undefined, true), policy, false)).toMatchObject({ score: 80, late: true, reason: expect.stringMatching(/no penalty applied/) });
  });

  it("leaves rows that were not graded alone", () => {
    const unreadable: BatchRow = { ...row, status: "unreadable", score: null, reason: "no .ts file" };
    expect(applyLatePolicy(unreadable, at("2026-11-03 00:00:00 Z"), policy, false)).toEqual(unreadable);
  });
});

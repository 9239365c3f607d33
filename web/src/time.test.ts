import { describe, expect, it } from "vitest";
import { countdown, formatDateTime, formatDeadline, formatWhen } from "./time.ts";

describe("formatWhen", () => {
  const now = new Date(2026, 10, 25, 15, 0, 0);
  it.each<[string, string | number | undefined, string]>([
    ["same day -> clock only", new Date(2026, 10, 25, 9, 5, 7).toISOString(), "09:05:07"],
    ["earlier day -> date and clock", new Date(2026, 10, 24, 23, 59, 1).toISOString(), "2026-11-24 23:59:01"],
    ["epoch milliseconds", new Date(2026, 10, 25, 14, 0, 0).getTime(), "14:00:00"],
    ["missing", undefined, ""],
    ["unparseable stays as given", "yesterday-ish", "yesterday-ish"],
  ])("%s", (_name, value, expected) => {
    expect(formatWhen(value, now)).toBe(expected);
  });
});

describe("formatDateTime", () => {
  it("always names the day, in local time", () => {
    expect(formatDateTime(new Date(2026, 11, 4, 1, 2, 3).toISOString())).toBe("2026-12-04 01:02:03");
    expect(formatDateTime(new Date(2026, 0, 9, 23, 0, 0).getTime())).toBe("2026-01-09 23:00:00");
    expect([formatDateTime(undefined), formatDateTime("soon")]).toEqual(["", "soon"]);
  });
});

describe("formatDeadline", () => {
  it.each([
    ["UTC", "UTC", "Thu 10 Dec 2026, 23:59 (UTC)"],
    ["Paris, an hour ahead in winter", "Europe/Paris", "Fri 11 Dec 2026, 00:59 (Europe/Paris)"],
    ["Los Angeles, eight hours behind", "America/Los_Angeles", "Thu 10 Dec 2026, 15:59 (America/Los_Angeles)"],
  ])("in %s", (_name, zone, expected) => {
    expect(formatDeadline("2026-12-10T23:59:00Z", zone)).toBe(expected);
  });
});

describe("countdown", () => {
  const due = "2026-12-10T23:59:00Z";
  const at = (iso: string) => Date.parse(iso);
  it.each([
    ["two days and three hours", "2026-12-08T20:59:00Z", "2 days 3 h"],
    ["one day", "2026-12-09T23:59:00Z", "1 day 0 h"],
    ["hours and minutes", "2026-12-10T20:54:00Z", "3 h 5 min"],
    ["a part of a minute rounds up", "2026-12-10T23:58:30Z", "1 min"],
    ["past", "2026-12-11T00:00:00Z", null],
    ["exactly due", "2026-12-10T23:59:00Z", null],
  ])("%s", (_name, now, expected) => {
    expect(countdown(due, at(now))).toBe(expected);
  });
});

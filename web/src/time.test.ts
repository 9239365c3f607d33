import { describe, expect, it } from "vitest";
import { formatWhen } from "./time.ts";

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

import { describe, expect, it } from "vitest";
import { exercises } from "../index.ts";
import { catalogueVersion } from "./version.ts";

describe("catalogueVersion", () => {
  const version = catalogueVersion(exercises);
  it("is 12 hex digits and the same for the same catalogue", () => {
    expect(version).toMatch(/^[0-9a-f]{12}$/);
    expect(catalogueVersion(exercises.map((e) => ({ ...e })))).toBe(version);
  });
  it.each([
    ["a case dropped", (i: number) => ({ cases: exercises[i]!.cases.slice(0, -1) })],
    ["a case reseeded", (i: number) => ({ cases: exercises[i]!.cases.map((c, k) => (k === 1 ? { ...c, seed: c.seed + 1 } : c)) })],
    ["a mistake added", (i: number) => ({ mistakes: [...exercises[i]!.mistakes, { id: "x/y", hint: "h", kernel: () => [] }] })],
    ["points changed", (i: number) => ({ points: exercises[i]!.points + 1 })],
  ])("changes with %s", (_what, change) => {
    expect(catalogueVersion(exercises.map((e, i) => (i === 2 ? { ...e, ...change(i) } : e)))).not.toBe(version);
  });
});

import { describe, expect, it } from "vitest";
import { parseFlags, UsageError } from "./usage.ts";

const options = { format: { type: "string" }, exercise: { type: "string", multiple: true } } as const;
const one = { min: 1, max: 1, name: "the file" };

describe("parseFlags", () => {
  it("parses flags, repeated flags and positionals", () => {
    const { values, positionals } = parseFlags("grade", ["a.ts", "--format", "json", "--exercise", "x", "--exercise=y"], options, one);
    expect(values).toEqual({ format: "json", exercise: ["x", "y"] });
    expect(positionals).toEqual(["a.ts"]);
  });

  it.each([
    ["unknown long flag", ["a.ts", "--fast"], "grade: unknown flag --fast"],
    ["unknown short flag", ["a.ts", "-q"], "grade: unknown flag -q"],
    ["flag without its value", ["a.ts", "--format"], "grade: flag --format needs a value"],
    ["missing positional", [], "grade: missing the file"],
    ["extra positionals", ["a.ts", "b.ts", "c.ts"], 'grade: unexpected arguments "b.ts", "c.ts"'],
  ])("%s -> UsageError %j", (_name, args, message) => {
    let caught: unknown;
    try {
      parseFlags("grade", args, options, one);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(UsageError);
    expect((caught as Error).message).toBe(message);
  });
});

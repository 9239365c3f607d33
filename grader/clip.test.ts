import { describe, expect, it } from "vitest";
import { clipText, MAX_STUDENT_TEXT_CHARS } from "./clip.ts";

describe("clipText", () => {
  it("leaves text within the limit alone", () => {
    expect(clipText("a short message")).toBe("a short message");
    expect(clipText("x".repeat(MAX_STUDENT_TEXT_CHARS))).toHaveLength(MAX_STUDENT_TEXT_CHARS);
  });

  it("keeps the start of longer text and says how long it was", () => {
    const clipped = clipText("k".repeat(8_000_000));
    expect(clipped).toBe(`${"k".repeat(MAX_STUDENT_TEXT_CHARS)}… [clipped: 8000000 characters]`);
    expect(clipText("abcdefgh", 3)).toBe("abc… [clipped: 8 characters]");
  });

  it("never cuts a surrogate pair in half", () => {
    const clipped = clipText(`ab${"😀".repeat(10)}`, 3);
    expect(clipped).toBe("ab… [clipped: 22 characters]");
  });

  it("uses the slice it is given (the sandbox passes one captured before student code ran)", () => {
    const calls: [number, number][] = [];
    const slice = (text: string, start: number, end: number) => {
      calls.push([start, end]);
      return text.substring(start, end);
    };
    expect(clipText("abcdef", 4, slice)).toBe("abcd… [clipped: 6 characters]");
    expect(calls).toEqual([[0, 4]]);
  });
});

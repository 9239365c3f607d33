import { describe, expect, it } from "vitest";
import { diffText, sourceDiff } from "./source-diff.ts";

const before = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"].join("\n") + "\n";

describe("sourceDiff", () => {
  it("counts added and removed lines and keeps two lines of context around a change", () => {
    const after = before.replace("e\n", "E\n");
    const diff = sourceDiff(before, after);
    expect([diff.added, diff.removed]).toEqual([1, 1]);
    expect(diffText(diff)).toEqual(["… 2 unchanged lines", "  c", "  d", "- e", "+ E", "  f", "  g", "… 3 unchanged lines"]);
  });

  it("identical sources have no changed line", () => {
    const diff = sourceDiff(before, before);
    expect([diff.added, diff.removed]).toEqual([0, 0]);
    expect(diffText(diff)).toEqual(["… 10 unchanged lines"]);
  });

  it("keeps a student's markup as text (the page puts it in text nodes)", () => {
    const diff = sourceDiff("", "<img src=x onerror=alert(1)>\n");
    expect(diffText(diff)).toEqual(["+ <img src=x onerror=alert(1)>"]);
  });

  it("a last line without a newline still counts", () => {
    expect(diffText(sourceDiff("x", "x\ny"))).toEqual(["- x", "+ x", "+ y"]);
  });
});

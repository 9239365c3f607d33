import { describe, expect, it } from "vitest";
import { isSafeHref, parseInline, parseMarkdown, type Inline } from "./markdown.ts";

describe("parseInline", () => {
  it.each<[string, Inline[]]>([
    ["plain words", [{ kind: "text", text: "plain words" }]],
    ["pad `X` with `pad` zeros", [
      { kind: "text", text: "pad " },
      { kind: "code", text: "X" },
      { kind: "text", text: " with " },
      { kind: "code", text: "pad" },
      { kind: "text", text: " zeros" },
    ]],
    ["`a * b * c` stays literal", [{ kind: "code", text: "a * b * c" }, { kind: "text", text: " stays literal" }]],
    ["**bold** and *em*", [
      { kind: "strong", children: [{ kind: "text", text: "bold" }] },
      { kind: "text", text: " and " },
      { kind: "em", children: [{ kind: "text", text: "em" }] },
    ]],
    ["zero_pad and n_H_prev are not emphasis", [{ kind: "text", text: "zero_pad and n_H_prev are not emphasis" }]],
    ["_em_ at a word start", [{ kind: "em", children: [{ kind: "text", text: "em" }] }, { kind: "text", text: " at a word start" }]],
    ["see [the spec](https://example.org/x)", [
      { kind: "text", text: "see " },
      { kind: "link", href: "https://example.org/x", children: [{ kind: "text", text: "the spec" }] },
    ]],
    ["an unclosed `tick", [{ kind: "text", text: "an unclosed `tick" }]],
  ])("%s", (source, expected) => {
    expect(parseInline(source)).toEqual(expected);
  });
});

describe("parseMarkdown", () => {
  it("heading, paragraph joined across lines, fenced code kept verbatim", () => {
    const blocks = parseMarkdown("# Zero padding\n\nPads H and W\nonly.\n\n```ts\nconst x = a * b;\n  indented\n```\n");
    expect(blocks).toEqual([
      { kind: "heading", level: 1, content: [{ kind: "text", text: "Zero padding" }] },
      { kind: "paragraph", content: [{ kind: "text", text: "Pads H and W only." }] },
      { kind: "code", language: "ts", text: "const x = a * b;\n  indented" },
    ]);
  });

  it("bullet list then numbered list become two lists; continuation lines join their item", () => {
    const blocks = parseMarkdown("- one\n- two\n  more\n1. first\n2. second");
    expect(blocks).toEqual([
      { kind: "list", ordered: false, items: [[{ kind: "text", text: "one" }], [{ kind: "text", text: "two more" }]] },
      { kind: "list", ordered: true, items: [[{ kind: "text", text: "first" }], [{ kind: "text", text: "second" }]] },
    ]);
  });

  it("a paragraph right before a list ends at the list", () => {
    expect(parseMarkdown("Returns:\n- Z\n- cache").map((b) => b.kind)).toEqual(["paragraph", "list"]);
  });

  it("an unterminated fence runs to the end instead of swallowing nothing", () => {
    expect(parseMarkdown("```\nx\ny")).toEqual([{ kind: "code", language: "", text: "x\ny" }]);
  });

  it("CRLF input parses like LF", () => {
    expect(parseMarkdown("a\r\nb\r\n\r\nc")).toEqual(parseMarkdown("a\nb\n\nc"));
  });
});

describe("isSafeHref", () => {
  it.each([
    ["https://example.org", true],
    ["/docs", true],
    ["#zero_pad", true],
    ["javascript:alert(1)", false],
    ["//evil.example/x", false],
    ["http://example.org", false],
    ["data:text/html,x", false],
  ])("%s -> %s", (href, safe) => {
    expect(isSafeHref(href)).toBe(safe);
  });
});

import { h } from "./dom.ts";
import type { CodeSpan } from "./schemas.ts";

/** Highlight colours cycle through this many classes (staff.css: mark.f0 … mark.f5). */
const COLOURS = 6;

/** The mark class of fragment `index`, the same in the code and in the fragment list. */
export const fragmentClass = (index: number) => `f${index % COLOURS}`;

/** For each character of each line, the first span (0-based) covering it, or -1. */
function coverage(lines: readonly string[], spans: readonly CodeSpan[]): Int16Array[] {
  const cover = lines.map((line) => new Int16Array(line.length).fill(-1));
  spans.forEach((s, index) => {
    for (let row = Math.max(0, s.startRow); row <= s.endRow && row < lines.length; row++) {
      const line = cover[row] as Int16Array;
      const from = row === s.startRow ? s.startCol : 0;
      const to = row === s.endRow ? Math.min(s.endCol, line.length) : line.length;
      for (let c = Math.max(0, from); c < to; c++) if (line[c] === -1) line[c] = index;
    }
  });
  return cover;
}

/**
 * Source shown read-only: monospace, numbered lines (not copied with the text), scrolling inside
 * its own box. `spans` are marked, each fragment in its colour, as the similarity report does.
 */
export function codeView(source: string, options: { label: string; spans?: readonly CodeSpan[]; testId?: string }): HTMLElement {
  const lines = source.split(/\r?\n/);
  const cover = coverage(lines, options.spans ?? []);
  const width = String(lines.length).length;
  const rows = lines.map((line, row) => {
    const marks = cover[row] as Int16Array;
    const parts: (HTMLElement | string)[] = [];
    let c = 0;
    while (c < line.length) {
      const f = marks[c] as number;
      let end = c + 1;
      while (end < line.length && marks[end] === f) end++;
      const text = line.slice(c, end);
      parts.push(f < 0 ? text : h("mark", { class: fragmentClass(f), title: `shared fragment ${f + 1}` }, text));
      c = end;
    }
    return h("span", { class: "code-line" }, h("span", { class: "ln", "aria-hidden": "true" }, String(row + 1).padStart(width)), h("span", { class: "lc" }, ...parts), "\n");
  });
  return h(
    "div",
    { class: "code-view", role: "region", "aria-label": options.label, tabindex: 0, "data-testid": options.testId },
    h("pre", {}, h("code", {}, ...rows)),
  );
}

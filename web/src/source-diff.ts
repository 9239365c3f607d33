import { diffLines } from "diff";

export type DiffLine = { readonly kind: "added" | "removed" | "same"; readonly text: string } | { readonly kind: "skipped"; readonly count: number };

export interface SourceDiff {
  readonly added: number;
  readonly removed: number;
  /** Changed lines with `context` unchanged lines around each change; longer unchanged runs become one `skipped`. */
  readonly lines: readonly DiffLine[];
}

function splitLines(value: string): string[] {
  const lines = value.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** What changed from one attempt's module to the next, line by line. */
export function sourceDiff(before: string, after: string, context = 2): SourceDiff {
  const all: { kind: "added" | "removed" | "same"; text: string }[] = [];
  for (const change of diffLines(before, after)) {
    const kind = change.added ? "added" : change.removed ? "removed" : "same";
    for (const text of splitLines(change.value)) all.push({ kind, text });
  }
  const near = all.map(() => false);
  all.forEach((line, i) => {
    if (line.kind === "same") return;
    for (let j = Math.max(0, i - context); j <= Math.min(all.length - 1, i + context); j++) near[j] = true;
  });
  const lines: DiffLine[] = [];
  let skipped = 0;
  all.forEach((line, i) => {
    if (line.kind === "same" && !near[i]) {
      skipped++;
      return;
    }
    if (skipped > 0) lines.push({ kind: "skipped", count: skipped });
    skipped = 0;
    lines.push(line);
  });
  if (skipped > 0) lines.push({ kind: "skipped", count: skipped });
  return { added: all.filter((l) => l.kind === "added").length, removed: all.filter((l) => l.kind === "removed").length, lines };
}

/** The diff as plain text, one line each: "+ ", "- ", "  ", or "… N unchanged lines". */
export function diffText(diff: SourceDiff): string[] {
  return diff.lines.map((line) => {
    if (line.kind === "skipped") return `… ${line.count} unchanged line${line.count === 1 ? "" : "s"}`;
    return `${line.kind === "added" ? "+" : line.kind === "removed" ? "-" : " "} ${line.text}`;
  });
}

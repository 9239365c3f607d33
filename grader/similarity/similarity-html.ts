import type { SimilarityResult, SimilarPair, Span } from "./similarity.ts";

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
const COLOURS = 6;

/** For each character of each line, the fragment (0-based) that covers it first, or -1. */
function coverage(lines: readonly string[], spans: readonly Span[]): Int16Array[] {
  const cover = lines.map((l) => new Int16Array(l.length + 1).fill(-1));
  spans.forEach((s, index) => {
    for (let row = s.startRow; row <= s.endRow && row < lines.length; row++) {
      const line = cover[row];
      if (line === undefined) continue;
      const from = row === s.startRow ? s.startCol : 0;
      const to = row === s.endRow ? Math.min(s.endCol, line.length - 1) : line.length - 1;
      for (let c = Math.max(0, from); c < to; c++) if (line[c] === -1) line[c] = index;
    }
  });
  return cover;
}

function codeColumn(title: string, source: string, spans: readonly Span[]): string {
  const lines = source.split(/\r?\n/);
  const cover = coverage(lines, spans);
  const rendered = lines.map((line, row) => {
    const marks = cover[row] ?? new Int16Array(0);
    let html = "";
    let c = 0;
    while (c < line.length) {
      const f = marks[c] ?? -1;
      let end = c + 1;
      while (end < line.length && (marks[end] ?? -1) === f) end++;
      const text = escapeHtml(line.slice(c, end));
      html += f < 0 ? text : `<mark class="f${f % COLOURS}" title="shared fragment ${f + 1}">${text}</mark>`;
      c = end;
    }
    return `<span class="ln">${row + 1}</span>${html}`;
  });
  return `<div class="side"><h4>${escapeHtml(title)}</h4><pre>${rendered.join("\n")}</pre></div>`;
}

function pairSection(pair: SimilarPair, rank: number, sources: ReadonlyMap<string, string>): string {
  const fragments = pair.fragments
    .map((f, i) => `<li><mark class="f${i % COLOURS}">fragment ${i + 1}</mark>: ${f.kgrams} k-grams, lines ${f.left.startRow + 1}–${f.left.endRow + 1} ↔ ${f.right.startRow + 1}–${f.right.endRow + 1}</li>`)
    .join("");
  return `<section id="pair-${rank}"><h3>#${rank}: ${escapeHtml(pair.left)} ↔ ${escapeHtml(pair.right)}, similarity ${percent(pair.similarity)}</h3>
<ul class="frags">${fragments}</ul>
<div class="pair">${codeColumn(pair.left, sources.get(pair.left) ?? "", pair.fragments.map((f) => f.left))}${codeColumn(pair.right, sources.get(pair.right) ?? "", pair.fragments.map((f) => f.right))}</div>
<p><a href="#top">back to the list</a></p></section>`;
}

export interface SimilarityHtmlOptions {
  readonly title?: string;
  /** Pairs shown side by side; the table lists them all. */
  readonly sideBySide?: number;
  readonly generatedAt: Date;
  /** Submissions compared, when `result.files` holds only the sources of the pairs shown. */
  readonly submissions?: number;
}

/** One self-contained page (no script, no outside resource): the ranked table, then pairs side by side. */
export function similarityHtml(result: SimilarityResult, options: SimilarityHtmlOptions): string {
  const sources = new Map(result.files.map((f) => [f.id, f.source]));
  const shown = result.pairs.slice(0, options.sideBySide ?? 50);
  const rows = result.pairs
    .map((p, i) => {
      const name = i < shown.length ? `<a href="#pair-${i + 1}">#${i + 1}</a>` : `#${i + 1}`;
      return `<tr><td>${name}</td><td>${escapeHtml(p.left)}</td><td>${escapeHtml(p.right)}</td><td class="num">${percent(p.similarity)}</td><td class="num">${p.longest}</td><td class="num">${p.overlap}</td></tr>`;
    })
    .join("\n");
  const title = escapeHtml(options.title ?? "Similarity between submissions");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${title}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #1b1b1b; }
.notice { border: 2px solid #b26b00; background: #fff6e5; padding: .75rem 1rem; max-width: 60rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: .2rem .6rem; text-align: left; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.side { min-width: 0; }
pre { background: #f7f7f7; border: 1px solid #ddd; padding: .5rem; overflow-x: auto; font-size: 12px; }
.ln { display: inline-block; width: 3.5em; color: #999; user-select: none; }
mark.f0 { background: #ffe08a; } mark.f1 { background: #a8e6a1; } mark.f2 { background: #a9d4ff; }
mark.f3 { background: #ffb3c6; } mark.f4 { background: #d6c2ff; } mark.f5 { background: #ffcf99; }
section { border-top: 1px solid #ccc; margin-top: 2rem; }
</style></head>
<body id="top">
<h1>${title}</h1>
<p class="notice" role="note"><strong>Similarity is evidence for a person to judge, not a verdict.</strong> Students who follow
the same worksheet write alike; code shared by everyone (the starter${result.files.length > 0 ? " and any ignored files" : ""}) is left out,
but short or standard solutions can still match. Read the highlighted fragments before drawing any conclusion.</p>
<p>${options.submissions ?? result.files.length} submissions, ${result.pairs.length} pairs sharing code, ranked by Dolos' similarity (shared
fingerprints over both files' fingerprints). Generated ${escapeHtml(options.generatedAt.toISOString())}.</p>
${result.warnings.map((w) => `<p>${escapeHtml(w)}</p>`).join("\n")}
<table><thead><tr><th>rank</th><th>left</th><th>right</th><th>similarity</th><th>longest fragment (k-grams)</th><th>shared k-grams</th></tr></thead>
<tbody>
${rows}
</tbody></table>
${shown.map((p, i) => pairSection(p, i + 1, sources)).join("\n")}
</body></html>
`;
}

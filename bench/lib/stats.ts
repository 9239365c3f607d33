/** Nearest-rank quantile of an ascending array (NaN when empty). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

export interface Summary {
  readonly n: number;
  readonly p50: number;
  readonly p95: number;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50: quantile(sorted, 0.5), p95: quantile(sorted, 0.95) };
}

/**
 * The header, then the rows, in columns: the first `leftColumns` left-aligned (names), the rest
 * right-aligned (figures); `rule` puts a dashed line under the header.
 */
export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  { leftColumns = 0, rule = false }: { leftColumns?: number; rule?: boolean } = {},
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i < leftColumns ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  return [line(header), ...(rule ? [line(widths.map((w) => "-".repeat(w)))] : []), ...rows.map(line)].join("\n");
}

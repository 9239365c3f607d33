/*
 * Apart from similarity.ts so the service can write CSV without loading Dolos on its main thread
 * (see similarity-thread.ts).
 */
import type { SimilarityResult } from "./similarity.ts";

/** Quoted only when it must be, as the CLI's grades.csv does. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

export function similarityCsv(result: SimilarityResult): string {
  const header = ["rank", "left", "right", "similarity", "longest", "overlap"];
  const rows = result.pairs.map((p, i) => [String(i + 1), p.left, p.right, p.similarity.toFixed(4), String(p.longest), String(p.overlap)]);
  return [header, ...rows].map((r) => r.map(csvField).join(",")).join("\r\n") + "\r\n";
}

import { mkdir, rename, writeFile } from "node:fs/promises";
import { createHash } from "node:crypto";
import { join } from "node:path";
import type { Exercise } from "../../exercises/index.ts";
import { formatters, REPORT_FORMATS, type ReportFormat } from "../../grader/formats/index.ts";
import type { Report } from "../../grader/report.ts";
import { formatScore } from "../../grader/round-score.ts";
import { buildGradebook, gradebookCsv } from "../../server/gradebook.ts";
import type { GradebookCell } from "../../server/storage/types.ts";
import { ROW_STATUSES, type BatchRow } from "./journal.ts";

export const OUTPUT_LAYOUTS = ["plain", "canvas", "moodle"] as const;
export type OutputLayout = (typeof OUTPUT_LAYOUTS)[number];

export function isOutputLayout(s: string): s is OutputLayout {
  return (OUTPUT_LAYOUTS as readonly string[]).includes(s);
}

const REPORT_FILES: Record<ReportFormat, string> = { json: "report.json", text: "report.txt", junit: "junit.xml", gradescope: "results.json" };

/** A folder name for a submission key: readable where the key is, never a path, and distinct per key. */
export function safeName(key: string): string {
  const readable = key.replace(/[^A-Za-z0-9._@-]+/g, "_").replace(/^\.+/, "_").slice(0, 80);
  if (readable === key) return key;
  return `${readable}-${createHash("sha256").update(key).digest("hex").slice(0, 8)}`;
}

async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}

/** Every report format for one submission, in `reports/<key>/`. */
export async function writeReports(outDir: string, key: string, report: Report): Promise<void> {
  const dir = join(outDir, "reports", safeName(key));
  await mkdir(dir, { recursive: true });
  for (const format of REPORT_FORMATS) await writeAtomic(join(dir, REPORT_FILES[format]), formatters[format](report));
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** One line per student (a group's grade is each member's), sorted by student. */
function perStudent(rows: readonly BatchRow[]): { student: string; row: BatchRow }[] {
  return rows.flatMap((row) => row.students.map((student) => ({ student, row }))).sort((a, b) => (a.student < b.student ? -1 : a.student > b.student ? 1 : 0));
}

const cell = (n: number | null | undefined) => (n == null ? "" : String(n));

export function plainCsv(rows: readonly BatchRow[], exercises: readonly Exercise[]): string {
  const header = ["student", "score", "maxScore", ...exercises.map((e) => e.id), "late", "status", "reason"];
  const lines = perStudent(rows).map(({ student, row }) => [
    student,
    cell(row.score),
    String(row.maxScore),
    ...exercises.map((e) => cell(row.exercises[e.id])),
    row.late === null ? "" : String(row.late),
    row.status,
    row.reason ?? "",
  ]);
  return [header, ...lines].map((line) => line.map(csvField).join(",")).join("\r\n") + "\r\n";
}

/** grades.csv in the chosen layout; the LMS layouts come from the service's own gradebook writer. */
export function gradesCsv(rows: readonly BatchRow[], exercises: readonly Exercise[], layout: OutputLayout): string {
  if (layout === "plain") return plainCsv(rows, exercises);
  const cells: GradebookCell[] = perStudent(rows).flatMap(({ student, row }) =>
    exercises.flatMap((e) => {
      const score = row.exercises[e.id];
      return score == null ? [] : [{ student, exercise: e.id, score, maxScore: e.points }];
    }),
  );
  return gradebookCsv(buildGradebook(exercises, cells), layout);
}

export async function writeGrades(outDir: string, rows: readonly BatchRow[], exercises: readonly Exercise[], layout: OutputLayout): Promise<string[]> {
  const written = [join(outDir, "grades.csv")];
  await writeAtomic(written[0] as string, gradesCsv(rows, exercises, layout));
  // The LMS layouts have no status column: the plain one beside it keeps who was unreadable and why.
  if (layout !== "plain") {
    written.push(join(outDir, "grades-plain.csv"));
    await writeAtomic(written[1] as string, plainCsv(rows, exercises));
  }
  return written;
}

/** Counts by status, the mean, and a ten-bin distribution of score / maxScore. */
export function summary(rows: readonly BatchRow[], stray: readonly { path: string; reason: string }[]): string {
  const lines: string[] = [];
  const counts = ROW_STATUSES.map((s) => `${s} ${rows.filter((r) => r.status === s).length}`);
  lines.push(`${rows.length} submissions: ${counts.join(", ")}`);
  const graded = rows.filter((r): r is BatchRow & { score: number } => r.status === "graded" && r.score !== null);
  if (graded.length > 0) {
    const mean = graded.reduce((s, r) => s + r.score, 0) / graded.length;
    const maxScore = graded[0]?.maxScore ?? 0;
    lines.push(`mean ${formatScore(mean)} / ${maxScore}`);
    const bins = Array.from({ length: 10 }, () => 0);
    for (const r of graded) {
      const bin = Math.min(9, Math.floor((10 * r.score) / Math.max(r.maxScore, 1e-9)));
      bins[bin] = (bins[bin] ?? 0) + 1;
    }
    const widest = Math.max(...bins);
    bins.forEach((n, i) => {
      const label = i === 9 ? " 90-100%" : `${String(i * 10).padStart(3)}-${i * 10 + 9}%`;
      lines.push(`  ${label.padEnd(8)} ${String(n).padStart(5)} ${"#".repeat(Math.round((40 * n) / Math.max(widest, 1)))}`);
    });
  }
  for (const r of rows.filter((r) => r.status !== "graded")) lines.push(`${r.status}: ${r.students.join(", ")} (${r.key}): ${r.reason ?? ""}`);
  for (const s of stray) lines.push(`refused: ${s.path}: ${s.reason}`);
  return lines.join("\n");
}

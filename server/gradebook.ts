import type { Exercise } from "../exercises/types.ts";
import type { Gradebook } from "./schemas.ts";
import type { GradebookCell } from "./storage/types.ts";

/** Best score per student per exercise (over each submission's latest grading), and their sum. */
export function buildGradebook(exercises: readonly Exercise[], cells: readonly GradebookCell[]): Gradebook {
  const byStudent = new Map<string, Record<string, number | null>>();
  for (const cell of cells) {
    const scores = byStudent.get(cell.student) ?? Object.fromEntries(exercises.map((e) => [e.id, null]));
    if (cell.exercise in scores) scores[cell.exercise] = cell.score;
    byStudent.set(cell.student, scores);
  }
  const round = (x: number) => Math.round(x * 1e4) / 1e4;
  return {
    exercises: exercises.map((e) => ({ id: e.id, title: e.title, maxScore: e.points })),
    maxTotal: round(exercises.reduce((sum, e) => sum + e.points, 0)),
    students: [...byStudent.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([student, scores]) => ({
        student,
        scores,
        total: round(Object.values(scores).reduce<number>((sum, s) => sum + (s ?? 0), 0)),
      })),
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * Canvas's gradebook import wants Student, ID, SIS User ID, SIS Login ID and Section first and
 * matches rows on the IDs; Moodle's CSV import maps any column to its user field at import time.
 * The student's name is their LMS login here, so it fills Student and SIS Login ID.
 */
export function gradebookCsv(book: Gradebook): string {
  const header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...book.exercises.map((e) => `${e.id} (${e.maxScore})`), `autograde total (${book.maxTotal})`];
  const rows = book.students.map((s) => [
    s.student, "", "", s.student, "",
    ...book.exercises.map((e) => (s.scores[e.id] == null ? "" : String(s.scores[e.id]))),
    String(s.total),
  ]);
  return [header, ...rows].map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

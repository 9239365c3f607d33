import type { Exercise } from "../exercises/types.ts";
import { roundScore } from "../grader/round-score.ts";
import type { Gradebook, GradebookCsvLayout } from "./schemas.ts";
import type { GradebookCell } from "./storage/types.ts";

/** Best score per student per exercise (over each submission's latest grading), and their sum. */
export function buildGradebook(exercises: readonly Exercise[], cells: readonly GradebookCell[]): Gradebook {
  const byStudent = new Map<string, Record<string, number | null>>();
  for (const cell of cells) {
    const scores = byStudent.get(cell.student) ?? Object.fromEntries(exercises.map((e) => [e.id, null]));
    if (cell.exercise in scores) scores[cell.exercise] = cell.score;
    byStudent.set(cell.student, scores);
  }
  return {
    exercises: exercises.map((e) => ({ id: e.id, title: e.title, maxScore: e.points })),
    maxTotal: roundScore(exercises.reduce((sum, e) => sum + e.points, 0)),
    students: [...byStudent.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([student, scores]) => ({
        student,
        scores,
        total: roundScore(Object.values(scores).reduce<number>((sum, s) => sum + (s ?? 0), 0)),
      })),
  };
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

type Row = readonly string[];

const scoreCell = (score: number | null | undefined) => (score == null ? "" : String(score));

/**
 * Canvas, "Import CSV File for Carmen Grades" (Ohio State's Canvas guide,
 * teaching.resources.osu.edu/toolsets/carmencanvas/guides/calculating-final-grades/import-csv-file-carmen-grades):
 * "Student Name (last name, first name) OR Student ID OR Student SIS User ID ... Only one of these
 * three fields is required", then "SIS Login ID", "Section" and one column per assignment; "New
 * assignment columns in the Gradebook generate new assignments". Canvas computes its own totals and
 * ignores its read-only total columns on import, so the total here is an assignment of its own.
 * The student's name is their LMS login here, so it fills Student and SIS Login ID.
 */
function canvasRows(book: Gradebook): Row[] {
  const header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...book.exercises.map((e) => `${e.id} (${e.maxScore})`), `autograde total (${book.maxTotal})`];
  const rows = book.students.map((s) => [s.student, "", "", s.student, "", ...book.exercises.map((e) => scoreCell(s.scores[e.id])), String(s.total)]);
  return [header, ...rows];
}

/**
 * Moodle, "Grade import" (docs.moodle.org/311/en/Grade_import): "CSV import only: Preview the grade
 * import and choose the column mapping"; "Map from" names the file's identifying column and "Map to"
 * the user field (userid, username, useridnumber, useremail). So: one identifier column, here
 * Username (the student's name is their LMS login), and one column per grade item, each mapped to
 * an existing or new grade item at import. No total: Moodle aggregates the course total itself, and
 * importing ours as an item would count every exercise twice.
 */
function moodleRows(book: Gradebook): Row[] {
  const header = ["Username", ...book.exercises.map((e) => e.id)];
  const rows = book.students.map((s) => [s.student, ...book.exercises.map((e) => scoreCell(s.scores[e.id]))]);
  return [header, ...rows];
}

const LAYOUTS: Record<GradebookCsvLayout, (book: Gradebook) => Row[]> = { canvas: canvasRows, moodle: moodleRows };

/** RFC 4180 CSV (CRLF line ends) in the column layout the LMS's grade import expects. */
export function gradebookCsv(book: Gradebook, layout: GradebookCsvLayout = "canvas"): string {
  return LAYOUTS[layout](book).map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

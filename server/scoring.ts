import type { Exercise, ExerciseId } from "../exercises/types.ts";
import type { Report } from "../grader/report.ts";
import { roundScore } from "../grader/round-score.ts";
import { penalized } from "./policy/deadlines.ts";
import type { Gradebook } from "./schemas.ts";
import type { AssignmentCell, AssignmentPolicy, Lateness } from "./storage/course-types.ts";

/*
 * Scores as an assignment counts them: only its exercises, at its points (the grader scores at the
 * catalogue's), then the late penalty. Computed on read from the stored grading and the stored
 * lateness, so a changed deadline or penalty never needs a regrade.
 */


/** The assignment's exercises and what each is worth. */
export function pointsOf(assignment: Pick<AssignmentPolicy, "exercises" | "points">, catalogue: readonly Exercise[]): Map<ExerciseId, number> {
  const ids = assignment.exercises ?? catalogue.map((e) => e.id);
  return new Map(catalogue.filter((e) => ids.includes(e.id)).map((e) => [e.id, assignment.points?.[e.id] ?? e.points]));
}

const scaled = (score: number, maxScore: number, points: number) => (points === maxScore ? score : maxScore > 0 ? (score * points) / maxScore : 0);

export interface AssignmentScore {
  /** What the grader gave, at the assignment's points. */
  readonly rawScore: number;
  /** After the late penalty. */
  readonly score: number;
  readonly maxScore: number;
  readonly exercises: ReadonlyMap<ExerciseId, { raw: number; score: number; maxScore: number }>;
}

export function scoreReport(report: Report, points: ReadonlyMap<ExerciseId, number>, late: Lateness | null): AssignmentScore {
  const exercises = new Map<ExerciseId, { raw: number; score: number; maxScore: number }>();
  for (const ex of report.exercises) {
    const worth = points.get(ex.id);
    if (worth === undefined) continue;
    const raw = scaled(ex.score, ex.maxScore, worth);
    exercises.set(ex.id, { raw: roundScore(raw), score: penalized(raw, late), maxScore: worth });
  }
  const rawScore = roundScore([...exercises.values()].reduce((sum, e) => sum + e.raw, 0));
  const maxScore = roundScore([...exercises.values()].reduce((sum, e) => sum + e.maxScore, 0));
  return { rawScore, score: penalized(rawScore, late), maxScore, exercises };
}

export interface AssignmentGradebook extends Gradebook {
  readonly students: (Gradebook["students"][number] & { rawScores: Record<string, number | null>; rawTotal: number; lateSubmissions: number })[];
}

/**
 * One row per student: per exercise the best penalized score over their submissions (`best`), or
 * the one from the newest submission that graded it (`latest`); raw scores beside them.
 */
export function assignmentGradebook(
  assignment: Pick<AssignmentPolicy, "exercises" | "points" | "scorePolicy">,
  catalogue: readonly Exercise[],
  cells: readonly AssignmentCell[],
  isStudent: (name: string) => boolean = () => true,
): AssignmentGradebook {
  const points = pointsOf(assignment, catalogue);
  const empty = () => Object.fromEntries([...points.keys()].map((id) => [id, null])) as Record<string, number | null>;
  const rows = new Map<string, { scores: Record<string, number | null>; rawScores: Record<string, number | null>; late: Set<string> }>();
  // Cells arrive oldest submission first, so for `latest` a later cell simply replaces an earlier one.
  for (const cell of cells) {
    const worth = points.get(cell.exercise);
    if (worth === undefined || !isStudent(cell.student)) continue;
    const row = rows.get(cell.student) ?? { scores: empty(), rawScores: empty(), late: new Set<string>() };
    rows.set(cell.student, row);
    if (cell.late) row.late.add(cell.submissionId);
    const raw = roundScore(scaled(cell.score, cell.maxScore, worth));
    const score = penalized(raw, cell.late);
    const keep = (old: number | null, next: number) => (assignment.scorePolicy === "latest" || old === null ? next : Math.max(old, next));
    row.scores[cell.exercise] = keep(row.scores[cell.exercise] ?? null, score);
    row.rawScores[cell.exercise] = keep(row.rawScores[cell.exercise] ?? null, raw);
  }
  const total = (scores: Record<string, number | null>) => roundScore(Object.values(scores).reduce<number>((sum, s) => sum + (s ?? 0), 0));
  const byId = new Map(catalogue.map((e) => [e.id, e]));
  return {
    exercises: [...points.entries()].map(([id, maxScore]) => ({ id, title: byId.get(id)?.title ?? id, maxScore })),
    maxTotal: roundScore([...points.values()].reduce((sum, p) => sum + p, 0)),
    students: [...rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([student, row]) => ({ student, scores: row.scores, total: total(row.scores), rawScores: row.rawScores, rawTotal: total(row.rawScores), lateSubmissions: row.late.size })),
  };
}

import { effectiveDeadline, latenessOf } from "./policy/deadlines.ts";
import type { RescoreSink } from "./score-sink.ts";
import type { AssignmentRecord, CourseStorage, Lateness } from "./storage/course-types.ts";

const same = (a: Lateness | null, b: Lateness | null) => (a === null || b === null ? a === b : a.minutes === b.minutes && a.penaltyPercent === b.penaltyPercent);

/**
 * Charges every submission of the assignment (or one student's) again from its stored submit time,
 * after its dates, its penalty or an extension changed. Grading is never redone: scores are the
 * stored raw score less the new penalty. Course staff's own submissions are never charged. Each
 * changed submission is told to `rescored` (LMS passback sends the new score).
 */
export async function recomputeLateness(
  storage: Pick<CourseStorage, "listAssignmentSubmissions" | "listExtensions" | "setLateness">,
  assignment: AssignmentRecord,
  options: { student?: string; rescored?: RescoreSink | undefined } = {},
): Promise<number> {
  const [submissions, extensions] = await Promise.all([
    storage.listAssignmentSubmissions(assignment.course, assignment.id, options.student),
    storage.listExtensions(assignment.course, assignment.id),
  ]);
  const extensionOf = new Map(extensions.map((e) => [e.student, e]));
  const changed = submissions.flatMap((s) => {
    const staff = s.submitterRole === "instructor" || s.submitterRole === "ta";
    const late = staff ? null : latenessOf(s.createdAt, effectiveDeadline(assignment, extensionOf.get(s.student) ?? null), assignment.latePenalty);
    return same(late, s.late) ? [] : [{ id: s.id, student: s.student, late }];
  });
  if (changed.length === 0) return 0;
  await storage.setLateness(changed.map(({ id, late }) => ({ id, late })));
  // One publication per student: the newest changed submission stands for their new score.
  const newest = new Map(changed.map((c) => [c.student, c.id]));
  for (const [student, submissionId] of newest) options.rescored?.rescored({ course: assignment.course, assignment: assignment.id, student, submissionId });
  return changed.length;
}

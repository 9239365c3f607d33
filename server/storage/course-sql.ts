import { defaultAssignment, DEFAULT_ASSIGNMENT, DEFAULT_COURSE, type AssignmentPolicy, type AssignmentRecord, type AttemptCount, type CourseRecord, type CourseRole, type CourseStorage, type ExtensionRecord, type MemberRecord } from "./course-types.ts";
import type { ExerciseId } from "../../exercises/types.ts";
import { STUDENT_SUBMISSION, toLateness, type Row } from "./rows.ts";

/**
 * The course half of both storages, written once: the SQL below reads the same in SQLite and
 * PostgreSQL but for placeholders, which are written `?` and numbered by the PostgreSQL runner.
 */
export interface SqlRunner {
  all(text: string, values?: readonly unknown[]): Promise<Row[]>;
  /** Rows changed. */
  run(text: string, values?: readonly unknown[]): Promise<number>;
  /** Every step in one transaction; rows changed in all. */
  batch(steps: readonly { text: string; values: readonly unknown[] }[]): Promise<number>;
}

/** `?` placeholders as PostgreSQL's `$1, $2, …` (no statement here has a `?` inside a string). */
export const numbered = (text: string): string => {
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
};

/**
 * What counts as an attempt: a submission that was graded at least once, or is still waiting for
 * its first grading (so a burst cannot slip past the limit). One that ended in `error` does not.
 */
export const ATTEMPTS_SELECT = `
  SELECT COUNT(*) AS n, MAX(s.created_at) AS last_at FROM submissions s
  WHERE s.course = ? AND s.assignment = ? AND s.student = ?
    AND (EXISTS (SELECT 1 FROM gradings g WHERE g.submission_id = s.id AND g.status = 'graded')
         OR EXISTS (SELECT 1 FROM jobs j WHERE j.submission_id = s.id AND j.attempt = 1))`;

export const toAttemptCount = (row: Row | undefined): AttemptCount => ({
  used: Number(row?.n ?? 0),
  lastAt: row?.last_at == null ? null : Number(row.last_at),
});

/** Why the attempt limits refuse a new submission, or null; shared by both storages' createSubmission. */
export function refusesAttempt(count: AttemptCount, limits: { max: number | null; minGapMs: number | null }, now: number): boolean {
  if (limits.max !== null && count.used >= limits.max) return true;
  return limits.minGapMs !== null && count.lastAt !== null && now - count.lastAt < limits.minGapMs;
}

const toCourse = (row: Row): CourseRecord => ({ id: String(row.id), title: String(row.title), createdAt: Number(row.created_at) });
const toMember = (row: Row): MemberRecord => ({
  course: String(row.course),
  principal: String(row.principal),
  role: row.role as CourseRole,
  addedAt: Number(row.added_at),
});
// Written by putAssignment from a record the route validated with server/policy's assignmentBody.
const toAssignment = (row: Row): AssignmentRecord => ({
  ...(JSON.parse(String(row.policy)) as AssignmentPolicy),
  course: String(row.course),
  id: String(row.id),
  updatedAt: Number(row.updated_at),
});
const toExtension = (row: Row): ExtensionRecord => ({
  course: String(row.course),
  assignment: String(row.assignment),
  student: String(row.student),
  dueAt: Number(row.due_at),
  lateUntil: row.late_until == null ? null : Number(row.late_until),
  grantedBy: String(row.granted_by),
  grantedAt: Number(row.granted_at),
});

function policyJson(record: AssignmentRecord): string {
  const policy: AssignmentPolicy = {
    title: record.title,
    exercises: record.exercises,
    points: record.points,
    opensAt: record.opensAt,
    dueAt: record.dueAt,
    lateUntil: record.lateUntil,
    latePenalty: record.latePenalty,
    maxAttempts: record.maxAttempts,
    minMinutesBetween: record.minMinutesBetween,
    hiddenResults: record.hiddenResults,
    scorePolicy: record.scorePolicy,
  };
  return JSON.stringify(policy);
}

export function createCourseStorage(db: SqlRunner): CourseStorage {
  return {
    async createCourse({ id, title, now }) {
      const [row] = await db.all("INSERT INTO courses (id, title, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING RETURNING *", [id, title, now]);
      return row ? toCourse(row) : "exists";
    },
    async getCourse(id) {
      const [row] = await db.all("SELECT * FROM courses WHERE id = ?", [id]);
      return row ? toCourse(row) : null;
    },
    async listCoursesOf({ name, serviceStaff }) {
      const found = serviceStaff
        ? await db.all("SELECT * FROM courses ORDER BY id")
        : await db.all("SELECT * FROM courses c WHERE c.id = ? OR EXISTS (SELECT 1 FROM course_members m WHERE m.course = c.id AND m.principal = ?) ORDER BY c.id", [DEFAULT_COURSE, name]);
      return found.map(toCourse);
    },
    async setMember({ course, principal, role, now }) {
      const [row] = await db.all(
        `INSERT INTO course_members (course, principal, role, added_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (course, principal) DO UPDATE SET role = excluded.role RETURNING *`,
        [course, principal, role, now],
      );
      return toMember(row!);
    },
    async removeMember(course, principal) {
      return (await db.run("DELETE FROM course_members WHERE course = ? AND principal = ?", [course, principal])) > 0;
    },
    async listMembers(course) {
      return (await db.all("SELECT * FROM course_members WHERE course = ? ORDER BY principal", [course])).map(toMember);
    },
    async memberRole(course, principal) {
      const [row] = await db.all("SELECT role FROM course_members WHERE course = ? AND principal = ?", [course, principal]);
      return row ? (row.role as CourseRole) : null;
    },

    async putAssignment(record) {
      await db.run(
        `INSERT INTO assignments (course, id, policy, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (course, id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at`,
        [record.course, record.id, policyJson(record), record.updatedAt],
      );
    },
    async getAssignment(course, id) {
      const [row] = await db.all("SELECT * FROM assignments WHERE course = ? AND id = ?", [course, id]);
      if (row) return toAssignment(row);
      if (id !== DEFAULT_ASSIGNMENT) return null;
      return (await db.all("SELECT id FROM courses WHERE id = ?", [course])).length > 0 ? defaultAssignment(course) : null;
    },
    async listAssignments(course) {
      const stored = (await db.all("SELECT * FROM assignments WHERE course = ? ORDER BY id", [course])).map(toAssignment);
      return stored.some((a) => a.id === DEFAULT_ASSIGNMENT) ? stored : [defaultAssignment(course), ...stored];
    },

    async putExtension(record) {
      await db.run(
        `INSERT INTO extensions (course, assignment, student, due_at, late_until, granted_by, granted_at) VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (course, assignment, student) DO UPDATE SET due_at = excluded.due_at, late_until = excluded.late_until,
           granted_by = excluded.granted_by, granted_at = excluded.granted_at`,
        [record.course, record.assignment, record.student, record.dueAt, record.lateUntil, record.grantedBy, record.grantedAt],
      );
    },
    async deleteExtension(course, assignment, student) {
      return (await db.run("DELETE FROM extensions WHERE course = ? AND assignment = ? AND student = ?", [course, assignment, student])) > 0;
    },
    async listExtensions(course, assignment) {
      return (await db.all("SELECT * FROM extensions WHERE course = ? AND assignment = ? ORDER BY student", [course, assignment])).map(toExtension);
    },

    async listAssignmentSubmissions(course, assignment, student) {
      const found = await db.all(
        `SELECT id, student, created_at, late_minutes, penalty_percent, submitter_role FROM submissions
         WHERE course = ? AND assignment = ? AND (CAST(? AS TEXT) IS NULL OR student = ?) ORDER BY seq`,
        [course, assignment, student ?? null, student ?? null],
      );
      return found.map((row) => ({
        id: String(row.id),
        student: String(row.student),
        createdAt: Number(row.created_at),
        late: toLateness(row),
        submitterRole: (row.submitter_role as CourseRole | null) ?? null,
      }));
    },
    async setLateness(updates) {
      return db.batch(updates.map(({ id, late }) => ({
        text: "UPDATE submissions SET late_minutes = ?, penalty_percent = ? WHERE id = ?",
        values: [late?.minutes ?? null, late?.penaltyPercent ?? null, id],
      })));
    },
    async countAttempts(course, assignment, student) {
      const [row] = await db.all(ATTEMPTS_SELECT, [course, assignment, student]);
      return toAttemptCount(row);
    },

    async assignmentCells(course, assignment, student) {
      const found = await db.all(
        `WITH latest AS (
           SELECT submission_id, MAX(attempt) AS attempt FROM gradings WHERE status = 'graded' GROUP BY submission_id
         )
         SELECT s.id, s.student, s.created_at, s.late_minutes, s.penalty_percent, e.exercise_id, e.score, e.max_score
         FROM submissions s
         JOIN latest l ON l.submission_id = s.id
         JOIN exercise_scores e ON e.submission_id = s.id AND e.attempt = l.attempt
         WHERE s.course = ? AND s.assignment = ? AND (CAST(? AS TEXT) IS NULL OR s.student = ?) AND ${STUDENT_SUBMISSION}
         ORDER BY s.seq, e.exercise_id`,
        [course, assignment, student ?? null, student ?? null],
      );
      return found.map((row) => ({
        submissionId: String(row.id),
        student: String(row.student),
        createdAt: Number(row.created_at),
        late: toLateness(row),
        exercise: row.exercise_id as ExerciseId,
        score: Number(row.score),
        maxScore: Number(row.max_score),
      }));
    },

    async linkLtiContext({ issuer, contextId, course, now }) {
      await db.run("INSERT INTO lti_contexts (issuer, context_id, course, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (issuer, context_id) DO NOTHING", [issuer, contextId, course, now]);
    },
    async courseForLtiContext(issuer, contextId) {
      const [row] = await db.all("SELECT course FROM lti_contexts WHERE issuer = ? AND context_id = ?", [issuer, contextId]);
      return row ? String(row.course) : null;
    },
    async linkResourceToAssignment({ issuer, resourceLinkId, course, assignment }) {
      await db.run(
        `INSERT INTO lti_resource_links (issuer, resource_link_id, course, assignment) VALUES (?, ?, ?, ?)
         ON CONFLICT (issuer, resource_link_id) DO UPDATE SET course = excluded.course, assignment = excluded.assignment`,
        [issuer, resourceLinkId, course, assignment],
      );
    },
    async assignmentForResourceLink(issuer, resourceLinkId) {
      const [row] = await db.all("SELECT course, assignment FROM lti_resource_links WHERE issuer = ? AND resource_link_id = ?", [issuer, resourceLinkId]);
      return row ? { course: String(row.course), assignment: String(row.assignment) } : null;
    },
  };
}

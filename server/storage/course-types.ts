import type { ExerciseId } from "../../exercises/types.ts";

/*
 * Courses, their members, assignments, extensions and the LTI contexts and resource links that
 * map onto them, in both storages. Times are epoch milliseconds (UTC); principals are named as
 * `Principal.name` names them (an API key's name, or an LTI user's `student` name).
 */

export const COURSE_ROLES = ["instructor", "ta", "student"] as const;
export type CourseRole = (typeof COURSE_ROLES)[number];

export const HIDDEN_RESULTS = ["immediately", "after_due", "never"] as const;
export type HiddenResults = (typeof HIDDEN_RESULTS)[number];

export const SCORE_POLICIES = ["best", "latest"] as const;
export type ScorePolicy = (typeof SCORE_POLICIES)[number];

/** The course and assignment every installation has: today's API works on them unchanged. */
export const DEFAULT_COURSE = "default";
export const DEFAULT_ASSIGNMENT = "default";

export interface CourseRecord {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
}

export interface MemberRecord {
  readonly course: string;
  readonly principal: string;
  readonly role: CourseRole;
  readonly addedAt: number;
}

/** Lateness charged per started hour or day, never above maxPercent. */
export interface LatePenalty {
  readonly unit: "hour" | "day";
  readonly percentPerUnit: number;
  readonly maxPercent: number;
}

export interface AssignmentPolicy {
  readonly title: string;
  /** null: the whole catalogue. */
  readonly exercises: readonly ExerciseId[] | null;
  /** Points per exercise where they differ from the catalogue's; null: the catalogue's. */
  readonly points: Readonly<Partial<Record<ExerciseId, number>>> | null;
  readonly opensAt: number | null;
  readonly dueAt: number | null;
  readonly lateUntil: number | null;
  readonly latePenalty: LatePenalty | null;
  readonly maxAttempts: number | null;
  readonly minMinutesBetween: number | null;
  readonly hiddenResults: HiddenResults;
  readonly scorePolicy: ScorePolicy;
}

export interface AssignmentRecord extends AssignmentPolicy {
  readonly course: string;
  readonly id: string;
  readonly updatedAt: number;
}

/** What a course's `default` assignment is while nobody has stored another: everything, no dates, no limits. */
export const defaultAssignment = (course: string): AssignmentRecord => ({
  course,
  id: DEFAULT_ASSIGNMENT,
  title: "All exercises",
  exercises: null,
  points: null,
  opensAt: null,
  dueAt: null,
  lateUntil: null,
  latePenalty: null,
  maxAttempts: null,
  minMinutesBetween: null,
  hiddenResults: "immediately",
  scorePolicy: "best",
  updatedAt: 0,
});

export interface ExtensionRecord {
  readonly course: string;
  readonly assignment: string;
  readonly student: string;
  readonly dueAt: number;
  readonly lateUntil: number | null;
  readonly grantedBy: string;
  readonly grantedAt: number;
}

/** How late a submission was and what that cost; null on a submission that was on time. */
export interface Lateness {
  readonly minutes: number;
  readonly penaltyPercent: number;
}

/** One submission of an assignment, as recomputation needs it: when it was made and what it was charged. */
export interface AssignmentSubmission {
  readonly id: string;
  readonly student: string;
  readonly createdAt: number;
  readonly late: Lateness | null;
  readonly submitterRole: CourseRole | null;
}

/** One exercise's score in a submission's latest graded attempt, as the grader gave it. */
export interface AssignmentCell {
  readonly submissionId: string;
  readonly student: string;
  readonly createdAt: number;
  readonly late: Lateness | null;
  readonly exercise: ExerciseId;
  readonly score: number;
  readonly maxScore: number;
}

/** Counted attempts of one student at one assignment: graded ones and ones still waiting for their first grading. */
export interface AttemptCount {
  readonly used: number;
  /** Submit time of the latest counted attempt. */
  readonly lastAt: number | null;
}

export interface CourseStorage {
  /** "exists" when the id is taken (the title is left as it was). */
  createCourse(input: { id: string; title: string; now: number }): Promise<CourseRecord | "exists">;
  getCourse(id: string): Promise<CourseRecord | null>;
  /**
   * The courses this principal is a member of, plus `default` (every key is at least a student
   * there); every course when `serviceStaff` (a staff API key is an instructor everywhere).
   */
  listCoursesOf(principal: { name: string; serviceStaff: boolean }): Promise<CourseRecord[]>;
  setMember(input: { course: string; principal: string; role: CourseRole; now: number }): Promise<MemberRecord>;
  removeMember(course: string, principal: string): Promise<boolean>;
  listMembers(course: string): Promise<MemberRecord[]>;
  /** The stored role only: service staff and `default`'s implicit students are the caller's rule (server/policy/access.ts). */
  memberRole(course: string, principal: string): Promise<CourseRole | null>;

  /** Creates or replaces. */
  putAssignment(record: AssignmentRecord): Promise<void>;
  /** A course's `default` assignment is `defaultAssignment(course)` until one is stored; null for an unknown id. */
  getAssignment(course: string, id: string): Promise<AssignmentRecord | null>;
  /** Always includes `default`. */
  listAssignments(course: string): Promise<AssignmentRecord[]>;

  /** Creates or replaces the student's extension. */
  putExtension(record: ExtensionRecord): Promise<void>;
  deleteExtension(course: string, assignment: string, student: string): Promise<boolean>;
  listExtensions(course: string, assignment: string): Promise<ExtensionRecord[]>;

  /** Every submission of the assignment (optionally one student's), oldest first. */
  listAssignmentSubmissions(course: string, assignment: string, student?: string): Promise<AssignmentSubmission[]>;
  /** Stores recomputed lateness (grading untouched); returns how many rows changed. */
  setLateness(updates: readonly { id: string; late: Lateness | null }[]): Promise<number>;
  countAttempts(course: string, assignment: string, student: string): Promise<AttemptCount>;
  /**
   * Per-exercise scores of each graded submission of the assignment (latest graded attempt), oldest
   * submission first, leaving out submissions made by course staff; `student` narrows it to one.
   */
  assignmentCells(course: string, assignment: string, student?: string): Promise<AssignmentCell[]>;

  /** Idempotent: the first link of a context wins; a context maps to one course, a course may have several contexts. */
  linkLtiContext(input: { issuer: string; contextId: string; course: string; now: number }): Promise<void>;
  courseForLtiContext(issuer: string, contextId: string): Promise<string | null>;
  /** Creates or replaces the link's assignment. */
  linkResourceToAssignment(input: { issuer: string; resourceLinkId: string; course: string; assignment: string }): Promise<void>;
  assignmentForResourceLink(issuer: string, resourceLinkId: string): Promise<{ course: string; assignment: string } | null>;
}

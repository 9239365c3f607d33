import * as z from "zod/mini";

/**
 * What the page reads from the REST API, in zod/mini: classic zod is not tree-shakeable and would
 * add ~450 KB to the page. The report shape mirrors grader/report.ts; schemas.test.ts holds the two
 * together (a staff report from the grader's schema must parse here, and the types must agree).
 * Only fields the page uses are required.
 */
const id = z.pipe(z.union([z.string(), z.number()]), z.transform(String));
const optionalNumber = z.optional(z.nullable(z.number()));
const isoOrNull = z.optional(z.nullable(z.string()));

export const role = z.enum(["staff", "student"]);
export type Role = z.infer<typeof role>;

export const identity = z.object({ role, name: z.string(), origin: z.optional(z.enum(["api_key", "lti"])) });
export type Identity = z.infer<typeof identity>;

export const exerciseDetail = z.object({
  id: z.string(),
  title: z.string(),
  points: z.number(),
  description: z.string(),
  signature: z.optional(z.string()),
  starter: z.string(),
});
export type ExerciseDetail = z.infer<typeof exerciseDetail>;

/** `GET /v1/exercises?detail=true`: everything the student page shows, in one request. */
export const exerciseCatalogue = z.object({
  exercises: z.array(exerciseDetail),
  starterModule: z.string(),
});
export type ExerciseCatalogue = z.infer<typeof exerciseCatalogue>;

const mistake = z.object({ id: z.string(), hint: z.string() });

const caseReport = z.object({
  name: z.string(),
  visible: z.boolean(),
  outcome: z.enum(["passed", "wrong", "error", "timeout", "memory_limit"]),
  message: z.string(),
  variant: z.optional(z.string()),
  printout: z.optional(z.object({ got: z.string(), expected: z.string() })),
  durationMs: z.optional(z.number()),
  mistake: z.optional(mistake),
});
export type CaseReport = z.infer<typeof caseReport>;

const exerciseReport = z.object({
  id: z.string(),
  title: z.string(),
  /** null: a student's score before the assignment releases its hidden results. */
  score: z.nullable(z.number()),
  maxScore: z.number(),
  status: z.enum(["passed", "partial", "failed", "missing", "compile_error"]),
  message: z.optional(z.string()),
  mistake: z.optional(mistake),
  cases: z.array(caseReport),
});
export type ExerciseReport = z.infer<typeof exerciseReport>;

const diagnostic = z.object({
  line: z.number(),
  column: z.number(),
  severity: z.enum(["error", "warning"]),
  message: z.string(),
});
export type Diagnostic = z.infer<typeof diagnostic>;

/** Students get reports without timings (and hidden cases reduced); staff get everything. */
export const pageReport = z.object({
  score: z.nullable(z.number()),
  maxScore: z.number(),
  exercises: z.array(exerciseReport),
  diagnostics: z.array(diagnostic),
  timings: z.optional(z.record(z.string(), z.number())),
});
export type PageReport = z.infer<typeof pageReport>;

export const submissionStatus = z.enum(["queued", "running", "graded", "error"]);
export type SubmissionStatus = z.infer<typeof submissionStatus>;

/**
 * Per-exercise progress while a submission is queued or running (absent from services that do not
 * report it, and once graded): the page lists it instead of a bare "being graded".
 */
export const gradingProgress = z.object({
  exercises: z.array(
    z.object({
      id: z.string(),
      state: z.enum(["waiting", "running", "graded"]),
      score: z.optional(z.number()),
      maxScore: z.number(),
    }),
  ),
});
export type GradingProgress = z.infer<typeof gradingProgress>;

export const submissionAccepted = z.object({ id, progress: z.optional(gradingProgress) });

export const submission = z.object({
  id,
  status: submissionStatus,
  student: z.optional(z.string()),
  source: z.optional(z.string()),
  createdAt: z.optional(z.union([z.string(), z.number()])),
  /** The exercises submitted; null or absent: every exercise of the catalogue. */
  exercises: z.optional(z.nullable(z.array(z.string()))),
  progress: z.optional(gradingProgress),
  score: optionalNumber,
  maxScore: optionalNumber,
  error: z.optional(z.nullable(z.string())),
  report: z.optional(z.nullable(pageReport)),
  course: z.optional(z.string()),
  assignment: z.optional(z.string()),
  rawScore: optionalNumber,
  late: z.optional(z.nullable(z.object({ minutes: z.number(), penaltyPercent: z.number() }))),
  resultsReleaseAt: isoOrNull,
});
export type Submission = z.infer<typeof submission>;

export const submissionPage = z.object({
  items: z.array(submission),
  nextCursor: z.optional(z.nullable(z.string())),
});
export type SubmissionPage = z.infer<typeof submissionPage>;

export const gradebookRow = z.object({
  student: z.string(),
  total: z.number(),
  scores: z.record(z.string(), z.nullable(z.number())),
});
export type GradebookRow = z.infer<typeof gradebookRow>;

export const gradebook = z.object({
  exercises: z.array(z.union([z.string(), z.pipe(z.object({ id: z.string() }), z.transform((e) => e.id))])),
  students: z.array(gradebookRow),
});
export type Gradebook = z.infer<typeof gradebook>;

/** Column layouts of `GET /v1/gradebook?format=csv&layout=…`, each matching one LMS's grade import. */
export const GRADEBOOK_CSV_LAYOUTS = [
  { id: "canvas", label: "Canvas" },
  { id: "moodle", label: "Moodle" },
] as const;
export type GradebookCsvLayout = (typeof GRADEBOOK_CSV_LAYOUTS)[number]["id"];

/** Students who arrived by an LTI launch: their LMS name, so staff see more than `lti-<hash>`. */
export const ltiUsers = z.object({
  users: z.array(z.object({ student: z.string(), name: z.nullable(z.string()), email: z.nullable(z.string()) })),
});
export type LtiUsers = z.infer<typeof ltiUsers>;

export const ltiPublications = z.object({
  publications: z.array(
    z.object({
      id: z.string(),
      submissionId: z.string(),
      lineItemUrl: z.string(),
      scoreGiven: z.number(),
      scoreMaximum: z.number(),
      state: z.enum(["pending", "published", "failed"]),
      attempts: z.number(),
      statusCode: z.nullable(z.number()),
      error: z.nullable(z.string()),
      createdAt: z.string(),
    }),
  ),
});
export type LtiPublications = z.infer<typeof ltiPublications>;

/** Courses and assignments: dates are ISO 8601 in UTC, shown in the viewer's zone. */
export const courseRole = z.enum(["instructor", "ta", "student"]);
export type CourseRole = z.infer<typeof courseRole>;

export const course = z.object({ id: z.string(), title: z.string(), role: z.optional(courseRole) });
export type Course = z.infer<typeof course>;
export const courseList = z.object({ courses: z.array(course) });

export const latePenalty = z.object({ percentPerHour: z.optional(z.number()), percentPerDay: z.optional(z.number()), maxPercent: z.number() });
export type LatePenalty = z.infer<typeof latePenalty>;

export const attempts = z.object({ used: z.number(), max: z.nullable(z.number()), nextAllowedAt: z.nullable(z.string()) });
export type Attempts = z.infer<typeof attempts>;

export const assignment = z.object({
  course: z.string(),
  id: z.string(),
  title: z.string(),
  exercises: z.array(z.string()),
  points: z.optional(z.record(z.string(), z.number())),
  maxScore: z.optional(z.number()),
  opensAt: isoOrNull,
  dueAt: isoOrNull,
  lateUntil: isoOrNull,
  latePenalty: z.optional(z.nullable(latePenalty)),
  maxAttempts: z.optional(z.nullable(z.number())),
  minMinutesBetween: z.optional(z.nullable(z.number())),
  hiddenResults: z.enum(["immediately", "after_due", "never"]),
  scorePolicy: z.optional(z.enum(["best", "latest"])),
  attempts: z.optional(attempts),
  extension: z.optional(z.nullable(z.object({ dueAt: z.string(), lateUntil: z.nullable(z.string()) }))),
  resultsReleaseAt: isoOrNull,
});
export type Assignment = z.infer<typeof assignment>;
export const assignmentList = z.object({ assignments: z.array(assignment) });

export const member = z.object({ principal: z.string(), role: courseRole });
export type Member = z.infer<typeof member>;
export const memberList = z.object({ members: z.array(member) });

export const extension = z.object({ student: z.string(), dueAt: z.string(), lateUntil: z.nullable(z.string()), grantedBy: z.string(), grantedAt: z.string() });
export type Extension = z.infer<typeof extension>;
export const extensionList = z.object({ extensions: z.array(extension) });

export const courseGradebook = z.object({
  exercises: gradebook.shape.exercises,
  students: z.array(
    z.object({
      student: z.string(),
      total: z.number(),
      scores: z.record(z.string(), z.nullable(z.number())),
      rawTotal: z.optional(z.number()),
      lateSubmissions: z.optional(z.number()),
    }),
  ),
});
export type CourseGradebook = z.infer<typeof courseGradebook>;

/** What a staff member sends to create or replace an assignment (`PUT …/assignments/:id`). */
export interface AssignmentBody {
  title?: string;
  exercises?: string[];
  dueAt?: string;
  lateUntil?: string;
  latePenalty?: LatePenalty;
  maxAttempts?: number;
  hiddenResults?: Assignment["hiddenResults"];
  scorePolicy?: "best" | "latest";
}

/** GET /v1/analytics, as web/src/analytics-view.ts draws it. */
export const analytics = z.object({
  catalogueVersions: z.array(z.string()),
  exercises: z.array(
    z.object({
      id: z.string(),
      submissions: z.number(),
      students: z.number(),
      studentsWithFullMarks: z.number(),
      medianAttemptsToFullMarks: z.nullable(z.number()),
      cases: z.array(z.object({ name: z.string(), visible: z.boolean(), attempts: z.number(), passRate: z.number() })),
      mistakes: z.array(z.object({ id: z.string(), hint: z.string(), students: z.number() })),
    }),
  ),
});
export type Analytics = z.infer<typeof analytics>;

/** 0-based rows and columns, end column exclusive, as Dolos gives them. */
const codeSpan = z.object({ startRow: z.number(), startCol: z.number(), endRow: z.number(), endCol: z.number() });
export type CodeSpan = z.infer<typeof codeSpan>;

const similarityPair = z.object({
  left: z.string(),
  right: z.string(),
  leftSubmission: z.string(),
  rightSubmission: z.string(),
  similarity: z.number(),
  longest: z.number(),
  overlap: z.number(),
  fragments: z.array(z.object({ left: codeSpan, right: codeSpan, kgrams: z.number(), leftExcerpt: z.string(), rightExcerpt: z.string() })),
});
export type SimilarityPair = z.infer<typeof similarityPair>;

/** GET /v1/similarity: still computing, or the ranking. */
export const similarityAnswer = z.union([
  z.object({ status: z.literal("computing"), course: z.string(), assignment: z.string(), notice: z.string(), submissions: z.number(), startedAt: z.string() }),
  z.object({
    status: z.literal("ready"),
    course: z.string(),
    assignment: z.string(),
    notice: z.string(),
    computedAt: z.string(),
    submissions: z.number(),
    stale: z.boolean(),
    recomputing: z.boolean(),
    totalPairs: z.number(),
    pairs: z.array(similarityPair),
    warnings: z.array(z.string()),
  }),
]);
export type SimilarityAnswer = z.infer<typeof similarityAnswer>;

/** POST /v1/regrade: how many submissions were queued. */
export const bulkRegradeAccepted = z.object({ queued: z.number() });

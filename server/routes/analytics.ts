import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { EXERCISE_IDS, type ExerciseId } from "../../exercises/types.ts";
import type { Report } from "../../grader/report.ts";
import type { AppDeps } from "../app-deps.ts";
import { isAdmin, requireStaff } from "../auth.ts";
import { accessCourse } from "../course-access.ts";
import { ApiError } from "../errors.ts";
import { errorBody } from "../schemas.ts";
import type { SubmissionRecord } from "../storage/types.ts";
import { sendCsv } from "./csv-reply.ts";

export const analyticsQuery = z.object({
  course: z.string().min(1).max(200).optional(),
  assignment: z.string().min(1).max(200).optional(),
  exercise: z.enum(EXERCISE_IDS).optional(),
  since: z.iso.datetime({ offset: true }).optional().describe("ISO 8601: only submissions made at or after this instant"),
  format: z.enum(["json", "csv"]).optional(),
});

const caseStats = z.object({ name: z.string(), visible: z.boolean(), attempts: z.number().int(), passed: z.number().int(), passRate: z.number() });
const mistakeStats = z.object({ id: z.string(), hint: z.string(), students: z.number().int(), cases: z.number().int() });
const exerciseStats = z.object({
  id: z.enum(EXERCISE_IDS),
  submissions: z.number().int(),
  students: z.number().int(),
  studentsWithFullMarks: z.number().int(),
  /** Over the students who reached full marks: how many graded submissions it took each. */
  medianAttemptsToFullMarks: z.number().nullable(),
  cases: z.array(caseStats),
  /** Most students affected first. */
  mistakes: z.array(mistakeStats),
});
export const analytics = z.object({
  /** Catalogue versions of the reports counted: more than one means scores from different case sets are mixed. */
  catalogueVersions: z.array(z.string()),
  exercises: z.array(exerciseStats),
});
export type Analytics = z.infer<typeof analytics>;

const PAGE = 200;

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

type Graded = { readonly student: string; readonly createdAt: number; readonly report: Report };

/**
 * The numbers staff act on, from stored reports (the latest grading of each submission): per
 * exercise, who submitted and how often until full marks, each case's pass rate, and each known
 * mistake by how many students made it. Staff's own test submissions are left out.
 */
export function computeAnalytics(records: readonly SubmissionRecord[], only?: ExerciseId): Analytics {
  const graded: Graded[] = records
    .filter((r) => r.submitterRole !== "instructor" && r.submitterRole !== "ta")
    .flatMap((r) => (r.latest?.status === "graded" && r.latest.report ? [{ student: r.student, createdAt: r.createdAt, report: r.latest.report }] : []))
    .sort((a, b) => a.createdAt - b.createdAt);
  const versions = new Set(graded.flatMap((g) => (g.report.catalogueVersion ? [g.report.catalogueVersion] : [])));
  const ids = EXERCISE_IDS.filter((id) => only === undefined || id === only);
  const exercises = ids.flatMap((id) => {
    const rows = graded.flatMap((g) => g.report.exercises.filter((e) => e.id === id).map((e) => ({ student: g.student, exercise: e })));
    if (rows.length === 0) return [];
    const attemptsOf = new Map<string, { tries: number; fullAt: number | null }>();
    const cases = new Map<string, { visible: boolean; attempts: number; passed: number }>();
    const mistakes = new Map<string, { hint: string; students: Set<string>; cases: number }>();
    for (const { student, exercise } of rows) {
      const a = attemptsOf.get(student) ?? { tries: 0, fullAt: null };
      a.tries++;
      if (a.fullAt === null && exercise.score === exercise.maxScore) a.fullAt = a.tries;
      attemptsOf.set(student, a);
      for (const c of exercise.cases) {
        const s = cases.get(c.name) ?? { visible: c.visible, attempts: 0, passed: 0 };
        s.attempts++;
        if (c.outcome === "passed") s.passed++;
        cases.set(c.name, s);
        if (c.mistake) {
          const m = mistakes.get(c.mistake.id) ?? { hint: c.mistake.hint, students: new Set<string>(), cases: 0 };
          m.students.add(student);
          m.cases++;
          mistakes.set(c.mistake.id, m);
        }
      }
    }
    const full = [...attemptsOf.values()].flatMap((a) => (a.fullAt === null ? [] : [a.fullAt]));
    return [
      {
        id,
        submissions: rows.length,
        students: attemptsOf.size,
        studentsWithFullMarks: full.length,
        medianAttemptsToFullMarks: median(full),
        cases: [...cases].map(([name, s]) => ({ name, visible: s.visible, attempts: s.attempts, passed: s.passed, passRate: Math.round((s.passed / s.attempts) * 1e4) / 1e4 })),
        mistakes: [...mistakes]
          .map(([mistakeId, m]) => ({ id: mistakeId, hint: m.hint, students: m.students.size, cases: m.cases }))
          .sort((a, b) => b.students - a.students || a.id.localeCompare(b.id)),
      },
    ];
  });
  return { catalogueVersions: [...versions].sort(), exercises };
}

const csvField = (v: string | number | null): string => {
  const text = v === null ? "" : String(v);
  // A leading = + - @ would be a formula in a spreadsheet; quote and prefix it.
  const safe = /^[=+\-@]/.test(text) && typeof v === "string" ? `'${text}` : text;
  return /[",\n\r]/.test(safe) || safe !== text ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** One table of the same numbers: a row per exercise, per case and per mistake. */
export function analyticsCsv(data: Analytics): string {
  const header = ["exercise", "row", "name", "submissions", "students", "students_full_marks", "median_attempts_to_full_marks", "attempts", "passed", "pass_rate", "students_affected"];
  const lines = [header.join(",")];
  for (const e of data.exercises) {
    lines.push([e.id, "exercise", "", e.submissions, e.students, e.studentsWithFullMarks, e.medianAttemptsToFullMarks, "", "", "", ""].map(csvField).join(","));
    for (const c of e.cases) lines.push([e.id, "case", c.name, "", "", "", "", c.attempts, c.passed, c.passRate, ""].map(csvField).join(","));
    for (const m of e.mistakes) lines.push([e.id, "mistake", m.id, "", "", "", "", "", "", "", m.students].map(csvField).join(","));
  }
  return `${lines.join("\r\n")}\r\n`;
}

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody };

export const analyticsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage } = deps;
  app.get(
    "/analytics",
    {
      schema: {
        tags: ["staff"],
        description:
          "Per exercise, from stored reports: submissions, students, median attempts to full marks; each case's attempts and pass rate; the known mistakes by students affected. Filters course, assignment, exercise, since; ?format=csv for the same numbers as CSV. Course staff of an LTI course must name their course.",
        querystring: analyticsQuery,
        response: { 200: analytics, ...errors },
      },
    },
    async (request, reply) => {
      const { principal } = request;
      requireStaff(principal);
      const { course, assignment, exercise, since, format } = request.query;
      if (!isAdmin(principal)) {
        if (course === undefined) throw new ApiError(400, "validation_error", "course: course staff must name their course", { field: "course" });
        await accessCourse(storage, principal, course, "ta");
      }
      const records: SubmissionRecord[] = [];
      let cursor: string | undefined;
      do {
        const page = await storage.listSubmissions({
          limit: PAGE,
          ...(course === undefined ? {} : { course }),
          ...(assignment === undefined ? {} : { assignment }),
          ...(exercise === undefined ? {} : { exercise }),
          ...(since === undefined ? {} : { since: Date.parse(since) }),
          ...(cursor === undefined ? {} : { cursor }),
        });
        records.push(...page.items);
        cursor = page.nextCursor ?? undefined;
      } while (cursor !== undefined);
      const data = computeAnalytics(records, exercise);
      if (format !== "csv") return data;
      return sendCsv(reply, "autograde-analytics.csv", analyticsCsv(data));
    },
  );
};

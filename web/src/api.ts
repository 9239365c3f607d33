import * as z from "zod/mini";
import {
  assignment,
  assignmentList,
  courseGradebook,
  courseList,
  extension,
  extensionList,
  member,
  memberList,
  exerciseCatalogue,
  gradebook,
  identity,
  ltiPublications,
  ltiUsers,
  submission,
  submissionAccepted,
  submissionPage,
  type Assignment,
  type AssignmentBody,
  type Course,
  type CourseGradebook,
  type CourseRole,
  type Extension,
  type Member,
  type ExerciseCatalogue,
  type Gradebook,
  type GradebookCsvLayout,
  type Identity,
  type LtiPublications,
  type LtiUsers,
  type Submission,
  type SubmissionPage, analytics, type Analytics, type GradingProgress,
  bulkRegradeAccepted, similarityAnswer, type SimilarityAnswer,
} from "./schemas.ts";

/**
 * A key typed by a REST user or handed over by an LTI launch travels as a bearer token; a launch
 * that set a same-origin session cookie needs no header at all.
 */
export type Credentials = { kind: "bearer"; secret: string } | { kind: "cookie" };

/** A non-2xx answer from the service, carrying its `{ error, message }` body when it sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export interface ApiClient {
  me(): Promise<Identity>;
  exerciseCatalogue(): Promise<ExerciseCatalogue>;
  /** While queued, the answer may carry per-exercise progress (GradingProgress). */
  submit(body: { source: string; exercises?: string[]; course?: string; assignment?: string }): Promise<{ id: string; progress?: GradingProgress }>;
  getSubmission(id: string): Promise<Submission>;
  listSubmissions(query?: { student?: string; cursor?: string; limit?: number; course?: string; assignment?: string }): Promise<SubmissionPage>;
  courses(): Promise<Course[]>;
  createCourse(body: { id: string; title: string }): Promise<void>;
  assignments(course: string): Promise<Assignment[]>;
  assignment(course: string, id: string): Promise<Assignment>;
  putAssignment(course: string, id: string, body: AssignmentBody): Promise<Assignment>;
  members(course: string): Promise<Member[]>;
  putMember(course: string, principal: string, role: CourseRole): Promise<Member>;
  removeMember(course: string, principal: string): Promise<void>;
  extensions(course: string, assignment: string): Promise<Extension[]>;
  grantExtension(course: string, assignment: string, student: string, body: { dueAt: string; lateUntil?: string }): Promise<Extension>;
  revokeExtension(course: string, assignment: string, student: string): Promise<void>;
  courseGradebook(course: string, assignment: string): Promise<CourseGradebook>;
  gradebook(): Promise<Gradebook>;
  analytics(query: { course?: string }): Promise<Analytics>;
  gradebookCsv(layout: GradebookCsvLayout): Promise<{ filename: string; csv: string }>;
  regrade(id: string): Promise<{ id: string }>;
  /** POST /v1/regrade: how many submissions were queued. */
  bulkRegrade(filter: { course?: string; student?: string; exercise?: string }): Promise<{ queued: number }>;
  similarity(course: string, assignment: string): Promise<SimilarityAnswer>;
  /** The CSV or the self-contained HTML report of a ready comparison. */
  similarityFile(course: string, assignment: string, format: "csv" | "html"): Promise<DownloadedFile>;
  ltiUsers(): Promise<LtiUsers>;
  ltiPublications(student: string): Promise<LtiPublications>;
}

/** A download the service names in its Content-Disposition. */
export interface DownloadedFile {
  readonly filename: string;
  readonly text: string;
  readonly type: string;
}

export interface ApiClientOptions {
  credentials: Credentials;
  fetch: typeof globalThis.fetch;
  baseUrl?: string;
}

export function createApiClient({ credentials, fetch, baseUrl = "" }: ApiClientOptions): ApiClient {
  async function send(method: string, path: string, body?: unknown, accept = "application/json"): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (credentials.kind === "bearer") headers.authorization = `Bearer ${credentials.secret}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      credentials: "same-origin",
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw await toApiError(response);
    return response;
  }

  async function json<S extends z.ZodMiniType>(schema: S, method: string, path: string, body?: unknown): Promise<z.output<S>> {
    const response = await send(method, path, body);
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) {
      throw new Error(`unexpected response from ${method} ${path}: ${z.prettifyError(parsed.error)}`);
    }
    return parsed.data;
  }

  async function file(path: string, accept: string, fallbackName: string): Promise<DownloadedFile & { status: number }> {
    const response = await send("GET", path, undefined, accept);
    const named = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "")?.[1];
    return { status: response.status, filename: named ?? fallbackName, text: await response.text(), type: response.headers.get("content-type") ?? accept };
  }

  const similarityPath = (course: string, assignment: string, format?: string) =>
    `/v1/similarity?${new URLSearchParams({ course, assignment, ...(format ? { format } : {}) })}`;

  return {
    me: () => json(identity, "GET", "/v1/me"),
    exerciseCatalogue: () => json(exerciseCatalogue, "GET", "/v1/exercises?detail=true"),
    submit: (body) => json(submissionAccepted, "POST", "/v1/submissions", body),
    getSubmission: (id) => json(submission, "GET", `/v1/submissions/${encodeURIComponent(id)}`),
    listSubmissions: (query = {}) => {
      const params = new URLSearchParams();
      if (query.student) params.set("student", query.student);
      if (query.cursor) params.set("cursor", query.cursor);
      if (query.limit) params.set("limit", String(query.limit));
      if (query.course) params.set("course", query.course);
      if (query.assignment) params.set("assignment", query.assignment);
      const search = params.size > 0 ? `?${params}` : "";
      return json(submissionPage, "GET", `/v1/submissions${search}`);
    },
    gradebook: () => json(gradebook, "GET", "/v1/gradebook"),
    analytics: ({ course }) => json(analytics, "GET", `/v1/analytics${course === undefined ? "" : `?course=${encodeURIComponent(course)}`}`),
    gradebookCsv: async (layout) => {
      const { filename, text } = await file(`/v1/gradebook?format=csv&layout=${encodeURIComponent(layout)}`, "text/csv", "gradebook.csv");
      return { filename, csv: text };
    },
    regrade: (id) => json(submissionAccepted, "POST", `/v1/submissions/${encodeURIComponent(id)}/regrade`, {}),
    bulkRegrade: (filter) => json(bulkRegradeAccepted, "POST", "/v1/regrade", filter),
    similarity: (course, assignment) => json(similarityAnswer, "GET", similarityPath(course, assignment)),
    similarityFile: async (course, assignment, format) => {
      const { status, ...downloaded } = await file(similarityPath(course, assignment, format), format === "csv" ? "text/csv" : "text/html", `similarity.${format}`);
      if (status === 202) throw new ApiError(202, "computing", "the comparison is still being computed; try again in a moment");
      return downloaded;
    },
    courses: async () => (await json(courseList, "GET", "/v1/courses")).courses,
    createCourse: async (body) => void (await send("POST", "/v1/courses", body)),
    assignments: async (course) => (await json(assignmentList, "GET", `${coursePath(course)}/assignments`)).assignments,
    assignment: (course, id) => json(assignment, "GET", `${coursePath(course)}/assignments/${encodeURIComponent(id)}`),
    putAssignment: (course, id, body) => json(assignment, "PUT", `${coursePath(course)}/assignments/${encodeURIComponent(id)}`, body),
    members: async (course) => (await json(memberList, "GET", `${coursePath(course)}/members`)).members,
    putMember: (course, principal, role) => json(member, "PUT", `${coursePath(course)}/members/${encodeURIComponent(principal)}`, { role }),
    removeMember: async (course, principal) => void (await send("DELETE", `${coursePath(course)}/members/${encodeURIComponent(principal)}`)),
    extensions: async (course, id) => (await json(extensionList, "GET", `${extensionsPath(course, id)}`)).extensions,
    grantExtension: (course, id, student, body) => json(extension, "PUT", `${extensionsPath(course, id)}/${encodeURIComponent(student)}`, body),
    revokeExtension: async (course, id, student) => void (await send("DELETE", `${extensionsPath(course, id)}/${encodeURIComponent(student)}`)),
    courseGradebook: (course, id) => json(courseGradebook, "GET", `${coursePath(course)}/gradebook?assignment=${encodeURIComponent(id)}`),
    ltiUsers: () => json(ltiUsers, "GET", "/v1/lti/users"),
    ltiPublications: (student) => json(ltiPublications, "GET", `/v1/lti/publications?student=${encodeURIComponent(student)}&limit=20`),
  };
}

const coursePath = (course: string) => `/v1/courses/${encodeURIComponent(course)}`;
const extensionsPath = (course: string, assignment: string) => `${coursePath(course)}/assignments/${encodeURIComponent(assignment)}/extensions`;

const errorBody = z.object({ error: z.optional(z.string()), message: z.optional(z.string()) });

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  let body: z.output<typeof errorBody> = {};
  try {
    body = errorBody.parse(JSON.parse(text));
  } catch {
    body = {};
  }
  const message = body.message ?? (text.trim().slice(0, 200) || response.statusText || `HTTP ${response.status}`);
  return new ApiError(response.status, body.error ?? `http_${response.status}`, message);
}

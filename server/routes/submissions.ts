import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { isAdmin, type Principal } from "../auth.ts";
import { courseRole, isCourseStaff } from "../course-access.ts";
import { admit, attemptLimits, attemptRefusal, releaseTime } from "../policy/admission.ts";
import { ApiError } from "../errors.ts";
import {
  errorBody, gradingHistory, reportQuery, submissionAccepted, submissionList, submissionListQuery, submissionParams,
  submissionQuery, submissionRequest, submissionView as submissionViewSchema, type GradingProgressView,
} from "../schemas.ts";
import { InvalidCursorError, type GradingProgress, type SubmissionRecord } from "../storage/types.ts";
import { formatters } from "../../grader/formats/index.ts";
import { sourceOverLimit } from "../../grader/source-limit.ts";
import type { CourseRole } from "../storage/course-types.ts";
import { idempotencyKeyOf, multipartToBody } from "./submission-input.ts";
import { gradingView, holdReport, reportFor, submissionContexts, submissionView, type SubmissionContext, type Viewer } from "../views.ts";
import type { Exercise } from "../../exercises/types.ts";

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 413: errorBody, 429: errorBody, 503: errorBody };
const FINAL = new Set(["graded", "error"]);

function parseTime(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * While a submission waits or grades: what its worker last recorded, or before any record every
 * exercise waiting. Scores stay out of a student's view while the assignment holds results back.
 */
function progressView(catalogue: readonly Exercise[], record: SubmissionRecord, viewer: Viewer, context: SubmissionContext | undefined): { progress?: GradingProgressView } {
  if (record.status !== "queued" && record.status !== "running") return {};
  const held = viewer.role !== "staff" && context !== undefined && context.release.kind !== "released";
  const exercises: GradingProgress["exercises"] = record.progress?.exercises
    ?? catalogue.filter((e) => record.exercises === null || record.exercises.includes(e.id)).map((e) => ({ id: e.id, state: "waiting" as const, maxScore: e.points }));
  return { progress: { exercises: exercises.map(({ id, state, score, maxScore }) => ({ id, state, maxScore, ...(state === "graded" && !held && score !== undefined ? { score } : {}) })) } };
}

export const submissionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage, config } = deps;
  const now = deps.now ?? Date.now;
  const contexts = () => submissionContexts(storage, deps.exercises, now());
  /** Course staff see the submissions of their course in full; everyone else their own, redacted. */
  const viewerIn = (role: CourseRole | null): Viewer => ({ role: isCourseStaff(role) ? "staff" : "student" });

  async function visible(request: FastifyRequest, id: string): Promise<{ record: SubmissionRecord; viewer: Viewer }> {
    const record = await storage.getSubmission(id);
    const role = record ? await courseRole(storage, request.principal, record.course) : null;
    // Another student's submission, or one of a course the caller does not staff, is indistinguishable from a missing one.
    if (!record || (!isCourseStaff(role) && record.student !== request.principal.name)) {
      throw new ApiError(404, "not_found", `no submission ${id}`);
    }
    return { record, viewer: viewerIn(role) };
  }

  /** The course, assignment and exercises a submission goes to, and whether it is taken now. */
  async function placement(principal: Principal, body: { course?: string | undefined; assignment?: string | undefined; exercises?: readonly string[] | undefined }, at: number) {
    const courseId = body.course ?? "default";
    const role = (await storage.getCourse(courseId)) ? await courseRole(storage, principal, courseId) : null;
    if (role === null) throw new ApiError(400, "unknown_course", `course: no course ${JSON.stringify(courseId)} that you belong to`, { field: "course" });
    const assignment = await storage.getAssignment(courseId, body.assignment ?? "default");
    if (!assignment) throw new ApiError(400, "unknown_assignment", `assignment: course ${courseId} has no assignment ${JSON.stringify(body.assignment)}`, { field: "assignment" });
    const outside = assignment.exercises === null ? [] : (body.exercises ?? []).filter((id) => !assignment.exercises!.includes(id as never));
    if (outside.length > 0) {
      throw new ApiError(400, "validation_error", `exercises: ${outside.join(", ")} ${outside.length === 1 ? "is" : "are"} not part of assignment ${assignment.id} (${assignment.exercises!.join(", ")})`,
        { field: "exercises", allowed: assignment.exercises });
    }
    const staff = isCourseStaff(role);
    const extension = staff ? null : (await storage.listExtensions(courseId, assignment.id)).find((e) => e.student === principal.name) ?? null;
    const admission = admit({ assignment, extension, staff, now: at });
    if (admission.kind === "not_open") {
      throw new ApiError(403, "assignment_not_open", `assignment ${assignment.id} opens at ${iso(admission.opensAt)}`, { opensAt: iso(admission.opensAt) });
    }
    if (admission.kind === "closed") {
      throw new ApiError(403, "assignment_closed", `assignment ${assignment.id} closed at ${iso(admission.closedAt)}`, { closedAt: iso(admission.closedAt) });
    }
    return { role, assignment, late: admission.late, attempts: attemptLimits(assignment, staff) };
  }

  app.post(
    "/submissions",
    {
      preValidation: multipartToBody,
      schema: {
        tags: ["submissions"],
        description:
          "Submit a TypeScript module as JSON or as a multipart .ts upload. Answers 202 once the submission is durably stored; with ?wait=true, 200 and the report when grading finishes within the server's wait limit.",
        body: submissionRequest,
        querystring: submissionQuery,
        response: { 200: submissionViewSchema, 202: submissionAccepted, ...errors },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      // The server POSTs to the callback from inside the network: a student could aim it at internal services.
      if (request.body.callbackUrl !== undefined && !isAdmin(principal)) {
        throw new ApiError(403, "forbidden", "callbackUrl: only staff keys (API keys, not course launches) may register a callback; submit without it", { field: "callbackUrl" });
      }
      // Without the secret nothing would ever be sent: refuse rather than accept a callback that stays silent.
      if (request.body.callbackUrl !== undefined && !config.webhookSecret) {
        throw new ApiError(400, "validation_error", "callbackUrl: this server has no AUTOGRADE_WEBHOOK_SECRET to sign callbacks with, so it sends none; set it, or submit without callbackUrl", { field: "callbackUrl" });
      }
      if (deps.draining()) throw new ApiError(503, "draining", "the server is shutting down; retry shortly", undefined, { "retry-after": "5" });
      const { source, exercises, callbackUrl } = request.body;
      const submittedAt = now();
      const placed = await placement(principal, request.body, submittedAt);
      const overLimit = sourceOverLimit(source, config.grader.maxSourceBytes);
      if (overLimit) {
        const { bytes, limitBytes } = overLimit;
        throw new ApiError(413, "payload_too_large", `source is ${bytes} bytes; the limit is ${limitBytes} bytes`, { field: "source", bytes, limitBytes });
      }
      const idempotencyKey = idempotencyKeyOf(request);
      const requestHash = createHash("sha256")
        // Course and assignment join the hash only when given, so a retry of a request from before courses still replays.
        .update(JSON.stringify([source, exercises ?? null, callbackUrl ?? null, ...(request.body.course || request.body.assignment ? [placed.assignment.course, placed.assignment.id] : [])]))
        .digest("hex");
      const result = await storage.createSubmission(
        {
          student: principal.name,
          submittedBy: principal.keyId,
          source,
          exercises: exercises ? [...new Set(exercises)] : placed.assignment.exercises ? [...placed.assignment.exercises] : null,
          callbackUrl: callbackUrl ?? null,
          idempotencyKey,
          requestHash,
          now: submittedAt,
          course: placed.assignment.course,
          assignment: placed.assignment.id,
          late: placed.late,
          submitterRole: placed.role,
        },
        {
          maxQueueDepth: config.maxQueueDepth,
          // Staff API keys are exempt: a bulk upload by course staff is not one student hogging the queue.
          maxQueuedPerSubmitter: isAdmin(principal) ? null : config.maxQueuedPerStudent,
          ...(placed.attempts ? { attempts: placed.attempts } : {}),
        },
      );
      if (result.kind === "idempotency_conflict") {
        throw new ApiError(409, "idempotency_conflict", "this Idempotency-Key was used with a different body", { submissionId: result.existingId });
      }
      if (result.kind === "too_many_queued") {
        throw new ApiError(429, "too_many_queued", `${result.queued} of your submissions are still waiting to be graded (at most ${result.max}); retry once one is graded`,
          { queued: result.queued, max: result.max }, { "retry-after": "15" });
      }
      if (result.kind === "attempt_limit") {
        const details = attemptRefusal(placed.assignment, result, submittedAt);
        const message = details.retryAt === undefined
          ? `you have used ${details.used} of ${details.maxAttempts} attempts at assignment ${placed.assignment.id}`
          : `wait until ${iso(details.retryAt)} before your next attempt at assignment ${placed.assignment.id}`;
        throw new ApiError(429, "attempt_limit", message, { ...details, ...(details.retryAt === undefined ? {} : { retryAt: iso(details.retryAt) }) },
          details.retryAt === undefined ? {} : { "retry-after": String(Math.max(1, Math.ceil((details.retryAt - submittedAt) / 1000))) });
      }
      if (result.kind === "queue_full") {
        throw new ApiError(503, "queue_full", `the grading queue is full (${result.depth} waiting); retry later`, undefined, { "retry-after": "30" });
      }
      let record = result.submission;
      const slog = request.log.child({ submissionId: record.id });
      if (result.kind === "created") {
        deps.metrics.submissionReceived();
        slog.info({ bytes: Buffer.byteLength(source, "utf8"), exercises: record.exercises, callback: record.callbackUrl !== null }, "submission stored");
      } else {
        reply.header("idempotent-replayed", "true");
        slog.info("idempotent replay");
      }
      const wait = request.query.wait === "true" && !FINAL.has(record.status);
      const finished = wait ? deps.queue.waitFor(record.id, config.waitMaxMs) : null;
      deps.queue.notify();
      if (finished) {
        await finished;
        record = (await storage.getSubmission(record.id)) ?? record;
      }
      const viewer = viewerIn(placed.role);
      // Only a stored grading or recorded scores need the assignment (its points, whether results are held); a fresh submission has neither.
      const context = FINAL.has(record.status) || record.progress !== null ? await contexts()(record) : undefined;
      if (request.query.wait === "true" && FINAL.has(record.status)) {
        return reply.code(200).send(submissionView(viewer, record, { withReport: true, context }));
      }
      return reply.code(202).header("location", `/v1/submissions/${record.id}`).send({ id: record.id, status: record.status, ...progressView(deps.exercises, record, viewer, context) });
    },
  );

  app.get(
    "/submissions",
    {
      schema: {
        tags: ["submissions"],
        description: "Students see their own submissions; staff see all and may filter. Newest first; follow nextCursor.",
        querystring: submissionListQuery,
        response: { 200: submissionList, ...errors },
      },
    },
    async (request) => {
      const { principal } = request;
      const q = request.query;
      // Staff of a course see all of its submissions; without a course, an API staff key sees every course, anyone else `default`'s.
      const course = q.course ?? (isAdmin(principal) ? undefined : "default");
      const role = course === undefined ? "instructor" : await courseRole(storage, principal, course);
      if (course !== undefined && q.course !== undefined && role === null) throw new ApiError(404, "not_found", `no course ${course}`, { field: "course" });
      const staff = isCourseStaff(role);
      if (!staff && q.student !== undefined && q.student !== principal.name) {
        throw new ApiError(403, "forbidden", "students may list only their own submissions");
      }
      const student = staff ? q.student : principal.name;
      let page;
      try {
        page = await storage.listSubmissions({
          limit: q.limit,
          ...(student === undefined ? {} : { student }),
          ...(course === undefined || (q.course === undefined && !staff) ? {} : { course }),
          ...(q.assignment === undefined ? {} : { assignment: q.assignment }),
          ...(q.exercise === undefined ? {} : { exercise: q.exercise }),
          ...(q.since === undefined ? {} : { since: parseTime(q.since) }),
          ...(q.until === undefined ? {} : { until: parseTime(q.until) }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      } catch (err) {
        if (err instanceof InvalidCursorError) throw new ApiError(400, "validation_error", `cursor: ${err.message}`, { field: "cursor" });
        throw err;
      }
      const contextOf = contexts();
      const viewer = viewerIn(role);
      const items = await Promise.all(page.items.map(async (r) => submissionView(viewer, r, { withReport: false, context: await contextOf(r) })));
      return { items, nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/submissions/:id",
    { schema: { tags: ["submissions"], params: submissionParams, response: { 200: submissionViewSchema, ...errors } } },
    async (request) => {
      const { record, viewer } = await visible(request, request.params.id);
      const source = (await storage.getSource(record.id)) ?? undefined;
      const context = await contexts()(record);
      return { ...submissionView(viewer, record, { withReport: true, context, ...(source === undefined ? {} : { source }) }), ...progressView(deps.exercises, record, viewer, context) };
    },
  );

  const REPORT_TYPES = { json: "application/json", gradescope: "application/json", junit: "application/xml", text: "text/plain" } as const;

  app.get(
    "/submissions/:id/report",
    {
      schema: {
        tags: ["submissions"],
        description:
          "The latest report in one of the CLI's formats: json, text, junit or gradescope (Gradescope's results.json). Students get their redacted view. 409 until the submission is graded.",
        params: submissionParams,
        querystring: reportQuery,
        response: { ...errors },
      },
    },
    async (request, reply) => {
      const { record, viewer } = await visible(request, request.params.id);
      const report = reportFor(viewer, record.latest?.report ?? null);
      if (!report) throw new ApiError(409, "not_graded", `submission ${record.id} has no report yet (status ${record.status})`);
      const { format } = request.query;
      const context = await contexts()(record);
      if (viewer.role !== "staff" && context && context.release.kind !== "released") {
        const at = releaseTime(context.release);
        const resultsReleaseAt = at === null ? null : iso(at);
        // The formats print scores and every case; before release only the JSON's held view exists.
        if (format !== "json") throw new ApiError(409, "results_not_released", `results of assignment ${record.assignment} are not released yet; ask for format=json to see your visible cases`, { resultsReleaseAt });
        return reply.type("application/json; charset=utf-8").serializer((text: string) => text).send(JSON.stringify(holdReport(record.latest!.report!)) as never);
      }
      return reply
        .type(`${REPORT_TYPES[format]}; charset=utf-8`)
        .serializer((text: string) => text)
        // The typed reply only knows the error schemas; the serializer above sends the formatted text as is.
        .send(formatters[format](report) as never);
    },
  );

  app.get(
    "/submissions/:id/gradings",
    {
      schema: {
        tags: ["submissions"],
        description: "Every grading attempt of this submission, oldest first (regrades add attempts).",
        params: submissionParams,
        response: { 200: gradingHistory, ...errors },
      },
    },
    async (request) => {
      const { record, viewer } = await visible(request, request.params.id);
      const gradings = await storage.listGradings(record.id);
      const context = await contexts()(record);
      return { gradings: gradings.map((g) => gradingView(viewer, g, context)) };
    },
  );
};

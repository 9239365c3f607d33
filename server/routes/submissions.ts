import { createHash } from "node:crypto";
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { isAdmin } from "../auth.ts";
import { ApiError } from "../errors.ts";
import {
  errorBody, gradingHistory, reportQuery, submissionAccepted, submissionList, submissionListQuery, submissionParams,
  submissionQuery, submissionRequest, submissionView as submissionViewSchema,
} from "../schemas.ts";
import { InvalidCursorError, type SubmissionRecord } from "../storage/types.ts";
import { formatters } from "../../grader/formats/index.ts";
import { sourceOverLimit } from "../../grader/source-limit.ts";
import { gradingView, reportFor, submissionView } from "../views.ts";

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 413: errorBody, 429: errorBody, 503: errorBody };
const FINAL = new Set(["graded", "error"]);

/**
 * A multipart upload (`source` or `file` as a .ts file, `exercises` comma-separated or repeated,
 * `callbackUrl`) is reshaped into the JSON body before validation, so both go through one schema.
 */
async function multipartToBody(request: FastifyRequest): Promise<void> {
  if (!request.isMultipart()) return;
  const body: Record<string, unknown> = {};
  const exercises: string[] = [];
  try {
    await readParts(request, body, exercises);
  } catch (err) {
    // The parser's own errors (no boundary, a truncated or non-multipart body) carry no status: they are the client's.
    if (err instanceof ApiError || typeof (err as { statusCode?: unknown }).statusCode === "number") throw err;
    throw new ApiError(400, "malformed_multipart", `the multipart body could not be read: ${(err as Error).message}`);
  }
  if (exercises.length > 0) body.exercises = exercises;
  request.body = body;
}

async function readParts(request: FastifyRequest, body: Record<string, unknown>, exercises: string[]): Promise<void> {
  for await (const part of request.parts()) {
    if (part.type === "file") {
      if (!/\.(ts|mts)$/i.test(part.filename)) {
        await part.toBuffer();
        throw new ApiError(400, "validation_error", `source: upload a .ts file (got ${JSON.stringify(part.filename)})`, { field: "source" });
      }
      body.source = (await part.toBuffer()).toString("utf8");
    } else if (part.fieldname === "exercises") {
      exercises.push(...String(part.value).split(",").map((s) => s.trim()).filter(Boolean));
    } else if (part.fieldname === "source" || part.fieldname === "callbackUrl") {
      body[part.fieldname] = part.value;
    } else {
      throw new ApiError(400, "validation_error", `unknown form field ${JSON.stringify(part.fieldname)}`, { field: part.fieldname });
    }
  }
}

function idempotencyKeyOf(request: FastifyRequest): string | null {
  const header = request.headers["idempotency-key"];
  if (header === undefined) return null;
  if (typeof header !== "string" || header.length < 1 || header.length > 255) {
    throw new ApiError(400, "validation_error", "Idempotency-Key: send one key of 1-255 characters", { field: "Idempotency-Key" });
  }
  return header;
}

function parseTime(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso);
}

export const submissionRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage, config } = deps;

  async function visible(request: FastifyRequest, id: string): Promise<SubmissionRecord> {
    const record = await storage.getSubmission(id);
    // Another student's submission is indistinguishable from a missing one.
    if (!record || (request.principal.role === "student" && record.student !== request.principal.name)) {
      throw new ApiError(404, "not_found", `no submission ${id}`);
    }
    return record;
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
      if (deps.draining()) throw new ApiError(503, "draining", "the server is shutting down; retry shortly", undefined, { "retry-after": "5" });
      const { source, exercises, callbackUrl } = request.body;
      const overLimit = sourceOverLimit(source, config.grader.maxSourceBytes);
      if (overLimit) {
        const { bytes, limitBytes } = overLimit;
        throw new ApiError(413, "payload_too_large", `source is ${bytes} bytes; the limit is ${limitBytes} bytes`, { field: "source", bytes, limitBytes });
      }
      const idempotencyKey = idempotencyKeyOf(request);
      const requestHash = createHash("sha256")
        .update(JSON.stringify([source, exercises ?? null, callbackUrl ?? null]))
        .digest("hex");
      const result = await storage.createSubmission(
        {
          student: principal.name,
          submittedBy: principal.keyId,
          source,
          exercises: exercises ? [...new Set(exercises)] : null,
          callbackUrl: callbackUrl ?? null,
          idempotencyKey,
          requestHash,
          now: Date.now(),
        },
        // Staff API keys are exempt: a bulk upload by course staff is not one student hogging the queue.
        { maxQueueDepth: config.maxQueueDepth, maxQueuedPerSubmitter: isAdmin(principal) ? null : config.maxQueuedPerStudent },
      );
      if (result.kind === "idempotency_conflict") {
        throw new ApiError(409, "idempotency_conflict", "this Idempotency-Key was used with a different body", { submissionId: result.existingId });
      }
      if (result.kind === "too_many_queued") {
        throw new ApiError(429, "too_many_queued", `${result.queued} of your submissions are still waiting to be graded (at most ${result.max}); retry once one is graded`,
          { queued: result.queued, max: result.max }, { "retry-after": "15" });
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
      if (request.query.wait === "true" && FINAL.has(record.status)) {
        return reply.code(200).send(submissionView(principal, record, { withReport: true }));
      }
      return reply.code(202).header("location", `/v1/submissions/${record.id}`).send({ id: record.id, status: record.status });
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
      if (principal.role === "student" && q.student !== undefined && q.student !== principal.name) {
        throw new ApiError(403, "forbidden", "students may list only their own submissions");
      }
      const student = principal.role === "student" ? principal.name : q.student;
      let page;
      try {
        page = await storage.listSubmissions({
          limit: q.limit,
          ...(student === undefined ? {} : { student }),
          ...(q.exercise === undefined ? {} : { exercise: q.exercise }),
          ...(q.since === undefined ? {} : { since: parseTime(q.since) }),
          ...(q.until === undefined ? {} : { until: parseTime(q.until) }),
          ...(q.cursor === undefined ? {} : { cursor: q.cursor }),
        });
      } catch (err) {
        if (err instanceof InvalidCursorError) throw new ApiError(400, "validation_error", `cursor: ${err.message}`, { field: "cursor" });
        throw err;
      }
      return { items: page.items.map((r) => submissionView(principal, r, { withReport: false })), nextCursor: page.nextCursor };
    },
  );

  app.get(
    "/submissions/:id",
    { schema: { tags: ["submissions"], params: submissionParams, response: { 200: submissionViewSchema, ...errors } } },
    async (request) => {
      const record = await visible(request, request.params.id);
      const source = (await storage.getSource(record.id)) ?? undefined;
      return submissionView(request.principal, record, { withReport: true, ...(source === undefined ? {} : { source }) });
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
      const record = await visible(request, request.params.id);
      const report = reportFor(request.principal, record.latest?.report ?? null);
      if (!report) throw new ApiError(409, "not_graded", `submission ${record.id} has no report yet (status ${record.status})`);
      const { format } = request.query;
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
      const record = await visible(request, request.params.id);
      const gradings = await storage.listGradings(record.id);
      return { gradings: gradings.map((g) => gradingView(request.principal, g)) };
    },
  );
};

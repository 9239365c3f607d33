import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { isAdmin, requireAdmin, requireStaff } from "../auth.ts";
import { courseRole, isCourseStaff, requireCourseStaff } from "../course-access.ts";
import { ApiError } from "../errors.ts";
import { buildGradebook, gradebookCsv } from "../gradebook.ts";
import { DEFAULT_COURSE } from "../storage/course-types.ts";
import {
  bulkRegradeAccepted, bulkRegradeRequest, deliveryList, errorBody, gradebook, gradebookQuery,
  regradeAccepted, submissionParams,
} from "../schemas.ts";
import { sendCsv } from "./csv-reply.ts";

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody };

export const staffRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage } = deps;
  app.addHook("preValidation", async (request) => requireStaff(request.principal));

  app.get(
    "/submissions/:id/deliveries",
    {
      // Webhooks are service administration: their URLs point inside the network.
      preValidation: async (request) => requireAdmin(request.principal),
      schema: { tags: ["staff"], description: "Webhook delivery attempts for this submission (staff API keys only).", params: submissionParams, response: { 200: deliveryList, ...errors } },
    },
    async (request) => {
      if (!(await storage.getSubmission(request.params.id))) throw new ApiError(404, "not_found", `no submission ${request.params.id}`);
      const deliveries = await storage.listDeliveries(request.params.id);
      return { deliveries: deliveries.map((d) => ({ ...d, at: new Date(d.at).toISOString() })) };
    },
  );

  app.post(
    "/submissions/:id/regrade",
    { schema: { tags: ["staff"], description: "Grade again as a new attempt; earlier attempts stay in the history.", params: submissionParams, response: { 202: regradeAccepted, ...errors } } },
    async (request, reply) => {
      // Course staff regrade their own course's submissions only; another course's is as if absent.
      const existing = await storage.getSubmission(request.params.id);
      if (!existing || !isCourseStaff(await courseRole(storage, request.principal, existing.course))) {
        throw new ApiError(404, "not_found", `no submission ${request.params.id}`);
      }
      const result = await storage.enqueueRegrade(request.params.id, Date.now());
      if (!result) throw new ApiError(404, "not_found", `no submission ${request.params.id}`);
      request.log.info({ submissionId: request.params.id, attempt: result.attempt, queued: result.queued }, "regrade requested");
      deps.queue.notify();
      const record = await storage.getSubmission(request.params.id);
      return reply.code(202).send({ id: request.params.id, attempt: result.attempt, status: record?.status ?? "queued" });
    },
  );

  app.post(
    "/regrade",
    { schema: { tags: ["staff"], description: "Regrade every finished submission (optionally those including one exercise, or of one student).", body: bulkRegradeRequest.nullish(), response: { 202: bulkRegradeAccepted, ...errors } } },
    async (request, reply) => {
      // Only a staff API key regrades across courses; anyone else names (or defaults to) a course they are staff of.
      // No body is every finished submission, as POST /v1/submissions/:id/regrade takes none.
      const filter = request.body ?? {};
      const course = filter.course ?? (isAdmin(request.principal) ? undefined : DEFAULT_COURSE);
      if (course !== undefined) await requireCourseStaff(storage, request.principal, course);
      const queued = await storage.enqueueBulkRegrade({ ...filter, ...(course === undefined ? {} : { course }) }, Date.now());
      request.log.info({ ...filter, queued }, "bulk regrade requested");
      deps.queue.notify();
      return reply.code(202).send({ queued });
    },
  );

  app.get(
    "/gradebook",
    {
      schema: {
        tags: ["staff"],
        description:
          "Best score per student per exercise and the total. ?format=csv (or Accept: text/csv) gives a CSV for LMS import; layout=canvas (default) or moodle picks the columns that LMS's grade import expects.",
        querystring: gradebookQuery,
        response: { 200: gradebook, ...errors },
      },
    },
    async (request, reply) => {
      const { format, layout } = request.query;
      const csv = format === "csv" || (format === undefined && /\btext\/csv\b/.test(request.headers.accept ?? ""));
      if (!csv && layout !== undefined) {
        throw new ApiError(400, "validation_error", "layout: applies to the CSV gradebook only; add format=csv", { field: "layout" });
      }
      const book = buildGradebook(deps.exercises, await storage.gradebook());
      if (!csv) return book;
      const chosen = layout ?? "canvas";
      return sendCsv(reply, `autograde-gradebook-${chosen}.csv`, gradebookCsv(book, chosen));
    },
  );
};

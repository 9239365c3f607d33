import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { similarityHtml } from "../../grader/similarity/similarity-html.ts";
import { similarityCsv } from "../../grader/similarity/similarity-csv.ts";
import type { AppDeps } from "../app-deps.ts";
import { assignmentOf, requireCourseStaff } from "../course-access.ts";
import { ApiError } from "../errors.ts";
import { errorBody } from "../schemas.ts";
import type { SimilarityService } from "../similarity.ts";
import { similarityComputing, similarityQuery, similarityReady } from "../similarity-schemas.ts";
import { sendCsv } from "./csv-reply.ts";

/** Pairs shown side by side in the HTML report (the table lists them all), as the CLI's report does. */
const HTML_SIDE_BY_SIDE = 50;

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 429: errorBody, 500: errorBody };

/** The report's own policy: inline styles only, no script, nothing loaded, never framed. */
const HTML_CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Like sendCsv: a download of text the route's JSON schema does not describe. */
function sendHtml(reply: Pick<FastifyReply, "type">, filename: string, html: string) {
  return reply
    .type("text/html; charset=utf-8")
    .header("content-security-policy", HTML_CSP)
    .header("content-disposition", `attachment; filename="${filename}"`)
    .serializer((text: string) => text)
    .send(html);
}

const fileSafe = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_");

export const similarityRoutes = (similarity: SimilarityService): FastifyPluginAsyncZod<AppDeps> => async (app, deps) => {
  const { storage } = deps;
  app.get(
    "/similarity",
    {
      schema: {
        tags: ["staff"],
        description:
          "Pairs of students ranked by the code their latest submissions to the assignment share (Dolos), leaving out the starter and staff's own submissions. Computed in the background: the first request answers 202 and starts it; later ones get the ranking (200), marked stale and recomputed after a student submits again. ?format=csv for every pair as CSV, ?format=html for the self-contained report `autograde similarity` writes. Staff of the course only. Similarity is evidence for a person to judge, not a verdict.",
        querystring: similarityQuery,
        response: { 200: similarityReady, 202: similarityComputing, ...errors },
      },
    },
    async (request, reply) => {
      const { course, assignment, format } = request.query;
      if (!(await storage.getCourse(course))) throw new ApiError(404, "not_found", `no course ${course}`, { field: "course" });
      await requireCourseStaff(storage, request.principal, course);
      await assignmentOf(storage, course, assignment);
      const answer = await similarity.get(course, assignment);
      if (answer.kind === "failed") throw new ApiError(500, "similarity_failed", `comparing the submissions failed: ${answer.message}; ask again to retry`);
      if (answer.kind === "computing") return reply.code(202).header("retry-after", "2").send(answer.body);
      const { snapshot } = answer;
      const name = `similarity-${fileSafe(course)}-${fileSafe(assignment)}`;
      if (format === "csv") return sendCsv(reply, `${name}.csv`, similarityCsv({ files: [], pairs: snapshot.pairs, warnings: snapshot.warnings }));
      if (format === "html") {
        const shown = snapshot.pairs.slice(0, HTML_SIDE_BY_SIDE);
        const files = await similarity.sources(snapshot, new Set(shown.flatMap((p) => [p.left, p.right])));
        const html = similarityHtml(
          { files, pairs: snapshot.pairs, warnings: snapshot.warnings },
          { title: `Similarity between submissions: ${course} / ${assignment}`, sideBySide: HTML_SIDE_BY_SIDE, submissions: snapshot.latest.length, generatedAt: new Date(snapshot.computedAt) },
        );
        return sendHtml(reply, `${name}.html`, html);
      }
      return answer.body;
    },
  );
};

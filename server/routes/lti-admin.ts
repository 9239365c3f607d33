import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { requireAdmin } from "../auth.ts";
import { ApiError } from "../errors.ts";
import {
  contextLinkRequest, contextLinkView, deploymentsRequest, keyParams, keyRetirement, keyRotation, ltiUserList, publicationList, publicationQuery,
  registrationList, registrationParams, registrationRemoved, registrationRequest, registrationView, toolConfiguration,
  type RegistrationView,
} from "../lti/admin-schemas.ts";
import { KeyStoreError } from "../lti/key-store.ts";
import { publicOrigin, toolUrls } from "../lti/urls.ts";
import { errorBody } from "../schemas.ts";
import type { LtiRegistrationRecord } from "../storage/lti-types.ts";

const errors = { 400: errorBody, 401: errorBody, 403: errorBody, 429: errorBody };
const iso = (ms: number) => new Date(ms).toISOString();
const tags = ["lti"];

function registrationOut(record: LtiRegistrationRecord): RegistrationView {
  return { ...record, deploymentIds: [...record.deploymentIds], createdAt: iso(record.createdAt) };
}

function keyRefusal(error: unknown): never {
  if (error instanceof KeyStoreError && error.code === "unknown_key") throw new ApiError(404, "not_found", error.message);
  if (error instanceof KeyStoreError && error.code === "current_key") throw new ApiError(409, "conflict", error.message);
  if (error instanceof KeyStoreError && error.code === "contention") throw new ApiError(503, "busy", error.message, undefined, { "retry-after": "1" });
  throw error;
}

/**
 * LTI administration for staff API keys alone, registered under /v1: what an LMS admin needs to
 * install the tool. An LTI staff session comes from a context anyone may create, so it gets 403.
 */
export const ltiAdminRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  const { storage, toolKeys, config } = deps;
  app.addHook("preValidation", async (request) => requireAdmin(request.principal));

  app.get(
    "/lti/tool",
    { schema: { tags, description: "The URLs and key ids to enter in the LMS (Canvas developer key, Moodle external tool).", response: { 200: toolConfiguration, ...errors } } },
    async (request) => {
      const urls = toolUrls(publicOrigin(config.publicUrl, request));
      const schedule = await toolKeys.schedule();
      return {
        loginUrl: urls.loginUrl,
        launchUrl: urls.launchUrl,
        deepLinkingRequestUrl: urls.launchUrl,
        deepLinkUrl: urls.deepLinkUrl,
        jwksUrl: urls.jwksUrl,
        currentKid: schedule.signingKid,
        nextKid: schedule.next?.kid ?? null,
        nextSignsFrom: schedule.next ? iso(schedule.next.signsFrom) : null,
        publishedKids: schedule.keys.map((k) => k.kid),
      };
    },
  );

  app.get(
    "/lti/registrations",
    { schema: { tags, description: "The platforms (LMS installations) the tool accepts launches from.", response: { 200: registrationList, ...errors } } },
    async () => ({ registrations: (await storage.listLtiRegistrations()).map(registrationOut) }),
  );

  app.post(
    "/lti/registrations",
    {
      schema: {
        tags,
        description: "Registers a platform with the values its admin got when adding the tool; 409 when the issuer and client id are already registered.",
        body: registrationRequest,
        response: { 201: registrationView, 409: errorBody, ...errors },
      },
    },
    async (request, reply) => {
      const created = await storage.createLtiRegistration({ ...request.body, now: Date.now() });
      if (created === "duplicate") {
        throw new ApiError(409, "conflict", `issuer ${request.body.issuer} with client id ${request.body.clientId} is already registered`);
      }
      request.log.info({ registrationId: created.id, issuer: created.issuer, clientId: created.clientId }, "LTI platform registered");
      return reply.code(201).send(registrationOut(created));
    },
  );

  app.put(
    "/lti/contexts",
    {
      schema: {
        tags,
        description: "Links an LMS context (issuer + context id) to an existing course, so several LMS courses or sections share one autograde course; 409 when the context already belongs to another course.",
        body: contextLinkRequest,
        response: { 200: contextLinkView, 404: errorBody, 409: errorBody, ...errors },
      },
    },
    async (request) => {
      const { issuer, contextId, course } = request.body;
      if (!(await storage.getCourse(course))) throw new ApiError(404, "unknown_course", `no course ${course}`, { field: "course" });
      const before = await storage.courseForLtiContext(issuer, contextId);
      if (before !== null && before !== course) throw new ApiError(409, "conflict", `context ${contextId} of ${issuer} already belongs to course ${before}`, { field: "contextId", course: before });
      await storage.linkLtiContext({ issuer, contextId, course, now: Date.now() });
      const after = await storage.courseForLtiContext(issuer, contextId);
      if (after !== course) throw new ApiError(409, "conflict", `context ${contextId} of ${issuer} already belongs to course ${after}`, { field: "contextId", course: after });
      request.log.info({ issuer, contextId, course }, "LMS context linked to a course");
      return { issuer, contextId, course, created: before === null };
    },
  );

  app.put(
    "/lti/registrations/:id/deployments",
    {
      schema: {
        tags,
        description: "Replaces the deployment ids a registration accepts launches from.",
        params: registrationParams,
        body: deploymentsRequest,
        response: { 200: registrationView, 404: errorBody, ...errors },
      },
    },
    async (request) => {
      const updated = await storage.setLtiDeployments(request.params.id, request.body.deploymentIds);
      if (!updated) throw new ApiError(404, "not_found", `no LTI registration ${request.params.id}`);
      request.log.info({ registrationId: updated.id, deploymentIds: updated.deploymentIds }, "LTI deployments replaced");
      return registrationOut(updated);
    },
  );

  app.delete(
    "/lti/registrations/:id",
    {
      schema: {
        tags,
        description: "Removes a registration: its launches are refused and its gradebook links stop receiving scores.",
        params: registrationParams,
        response: { 204: registrationRemoved, 404: errorBody, ...errors },
      },
    },
    async (request, reply) => {
      if (!(await storage.deleteLtiRegistration(request.params.id))) throw new ApiError(404, "not_found", `no LTI registration ${request.params.id}`);
      request.log.info({ registrationId: request.params.id }, "LTI registration removed");
      return reply.code(204).send(null);
    },
  );

  app.post(
    "/lti/keys/rotate",
    {
      schema: {
        tags,
        description:
          "Publishes a fresh key at once; it starts signing at signsFrom (after the configured activation delay, so platforms that cached the JWKS have refetched it). The previous key signs until then and stays published until retired.",
        response: { 200: keyRotation, 503: errorBody, ...errors },
      },
    },
    async (request) => {
      const rotation = await toolKeys.rotate().catch(keyRefusal);
      request.log.info(rotation, "LTI tool key rotated");
      return rotation;
    },
  );

  app.delete(
    "/lti/keys/:kid",
    {
      schema: {
        tags,
        description: "Stops publishing a previous key; 409 for the key that signs now or a pending one that has not started signing, 404 for an unknown one.",
        params: keyParams,
        response: { 200: keyRetirement, 404: errorBody, 409: errorBody, 503: errorBody, ...errors },
      },
    },
    async (request) => {
      const retired = await toolKeys.retire(request.params.kid).catch(keyRefusal);
      request.log.info({ kid: request.params.kid, publishedKids: retired.publishedKids }, "LTI tool key retired");
      return retired;
    },
  );

  app.get(
    "/lti/publications",
    { schema: { tags, description: "Score publications to LMS gradebooks, newest first.", querystring: publicationQuery, response: { 200: publicationList, ...errors } } },
    async (request) => {
      const { student, submission, state, limit } = request.query;
      const records = await storage.listLtiPublications({ limit, student, submissionId: submission, state });
      return { publications: records.map((p) => ({ ...p, createdAt: iso(p.createdAt), updatedAt: iso(p.updatedAt) })) };
    },
  );

  app.get(
    "/lti/users",
    { schema: { tags, description: "Users who arrived by LTI launch, with the student name their submissions are filed under.", response: { 200: ltiUserList, ...errors } } },
    async () => ({
      users: (await storage.listLtiUsers()).map((u) => ({ ...u, createdAt: iso(u.createdAt), lastLaunchAt: iso(u.lastLaunchAt) })),
    }),
  );
};

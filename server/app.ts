import { randomUUID } from "node:crypto";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { Exercise } from "../exercises/types.ts";
import { webPlugin } from "../web/plugin.ts";
import { bearerToken, createAuthenticator, LAUNCH_TOKEN_PREFIX, type Principal } from "./auth.ts";
import type { ServerConfig } from "./config.ts";
import { ApiError, errorHandler } from "./errors.ts";
import type { GradingLoop } from "./grading-loop.ts";
import type { ToolKeyStore } from "./lti/key-store.ts";
import type { Metrics } from "./metrics.ts";
import { createRateLimiter } from "./rate-limit.ts";
import { exerciseRoutes } from "./routes/exercises.ts";
import { ltiRoutes } from "./routes/lti.ts";
import { ltiAdminRoutes } from "./routes/lti-admin.ts";
import { meRoutes } from "./routes/me.ts";
import { opsRoutes } from "./routes/ops.ts";
import { staffRoutes } from "./routes/staff.ts";
import { submissionRoutes } from "./routes/submissions.ts";
import type { Storage } from "./storage/types.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the /v1 authentication hook; routes outside /v1 never read it. */
    principal: Principal;
  }
}

export interface AppDeps {
  readonly config: ServerConfig;
  readonly storage: Storage;
  readonly queue: Pick<GradingLoop, "notify" | "waitFor">;
  readonly exercises: readonly Exercise[];
  readonly metrics: Metrics;
  readonly log: Logger;
  /** The LTI tool's signing keys (shared through storage by every process). */
  readonly toolKeys: ToolKeyStore;
  /** True once SIGTERM arrived: new submissions get 503 and /readyz fails. */
  readonly draining: () => boolean;
}

/** JSON escaping can double a source's size (newlines, quotes); the source itself is checked exactly. */
export const bodyLimitBytes = (maxSourceBytes: number) => maxSourceBytes * 2 + 64 * 1024;

/** Builds the whole HTTP service; never listens (main.ts and tests do). */
export async function buildApp(deps: AppDeps) {
  const { config, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: bodyLimitBytes(config.grader.maxSourceBytes),
    genReqId: () => randomUUID(),
    logController: new LogController({
      requestIdLogLabel: "requestId",
      // Probes and scrapes arrive every few seconds; logging each would drown the submissions.
      disableRequestLogging: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url),
    }),
    requestIdHeader: "x-request-id",
    return503OnClosing: true,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ error: "not_found", message: `no route ${request.method} ${request.url.split("?")[0]}` });
  });
  app.addHook("onSend", async (request, reply, payload) => {
    reply.header("x-request-id", request.id);
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    metrics.httpResponse(request.method, request.routeOptions.url ?? "unmatched", reply.statusCode);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: "autograde",
        version: "1",
        description: "Grades submissions of the eight NHWC convolution and pooling exercises.",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  await app.register(multipart, {
    limits: { fileSize: config.grader.maxSourceBytes, files: 1, fields: 20, fieldSize: 4096, parts: 21 },
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(opsRoutes, deps);
  await app.register(webPlugin({ frameAncestors: config.ltiFrameAncestors }));
  await app.register(ltiRoutes, deps);

  const authenticate = createAuthenticator({ staticKeys: config.apiKeys, storage: deps.storage });
  const takeToken = createRateLimiter({ perMinute: config.rateLimitPerMinute });
  await app.register(
    async (v1) => {
      v1.decorateRequest("principal", null as unknown as Principal);
      v1.addHook("onRequest", async (request) => {
        const secret = bearerToken(request.headers.authorization);
        if (secret === null) throw new ApiError(401, "unauthorized", "send Authorization: Bearer <api key>", undefined, { "www-authenticate": "Bearer" });
        const principal = await authenticate(secret);
        if (principal === null) {
          const message = secret.startsWith(LAUNCH_TOKEN_PREFIX)
            ? "the course launch has expired: open autograde again from the course page"
            : "the API key is not valid";
          throw new ApiError(401, "unauthorized", message, undefined, { "www-authenticate": "Bearer" });
        }
        const allowed = takeToken(principal.keyId);
        if (!allowed.allowed) {
          throw new ApiError(429, "rate_limited", `over ${config.rateLimitPerMinute} requests per minute for this key`, undefined, {
            "retry-after": String(allowed.retryAfterSeconds),
          });
        }
        request.principal = principal;
        request.log = request.log.child({ principal: principal.name, role: principal.role });
      });
      await v1.register(meRoutes, deps);
      await v1.register(exerciseRoutes, deps);
      await v1.register(submissionRoutes, deps);
      await v1.register(staffRoutes, deps);
      await v1.register(ltiAdminRoutes, deps);
    },
    { prefix: "/v1" },
  );
  return app;
}

export function requireStaff(principal: Principal): void {
  if (principal.role !== "staff") throw new ApiError(403, "forbidden", "this needs a staff key");
}

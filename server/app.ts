import { randomUUID } from "node:crypto";
import helmet from "@fastify/helmet";
import multipart from "@fastify/multipart";
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import Fastify, { LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import { webPlugin } from "../web/plugin.ts";
import type { AppDeps } from "./app-deps.ts";
import { bearerToken, createAuthenticator, LAUNCH_TOKEN_PREFIX, type Principal } from "./auth.ts";
import type { ServerConfig } from "./config.ts";
import { ApiError, errorHandler, schemaErrorFormatter } from "./errors.ts";
import { registerRateLimits } from "./rate-limit.ts";
import { createSimilarityService } from "./similarity.ts";
import { analyticsRoutes } from "./routes/analytics.ts";
import { courseRoutes } from "./routes/courses.ts";
import { exerciseRoutes } from "./routes/exercises.ts";
import { ltiRoutes } from "./routes/lti.ts";
import { ltiAdminRoutes } from "./routes/lti-admin.ts";
import { meRoutes } from "./routes/me.ts";
import { opsRoutes } from "./routes/ops.ts";
import { similarityRoutes } from "./routes/similarity.ts";
import { staffRoutes } from "./routes/staff.ts";
import { submissionRoutes } from "./routes/submissions.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the /v1 authentication hook; routes outside /v1 never read it. */
    principal: Principal;
  }
}


/** JSON escaping can double a source's size (newlines, quotes); the source itself is checked exactly. */
export const bodyLimitBytes = (maxSourceBytes: number) => maxSourceBytes * 2 + 64 * 1024;

/** A client's X-Request-Id goes into every log line and back in the reply: only a short, plain one is kept. */
export const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === "string" && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Every response gets helmet's headers. Its policy here is for JSON: it loads nothing, and only the
 * LMS may frame it (a launch refused inside the LMS iframe still shows its reason). The page
 * (web/plugin.ts, with its style nonce), the LTI pages and Swagger UI each send their own
 * Content-Security-Policy, which replaces this one.
 */
const helmetOptions = (frameAncestors: readonly string[]) => ({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      "default-src": ["'none'"],
      "base-uri": ["'none'"],
      "form-action": ["'none'"],
      "frame-ancestors": frameAncestors.length > 0 ? [...frameAncestors] : ["'none'"],
    },
  },
  // frame-ancestors decides who may frame the page (AUTOGRADE_LTI_FRAME_ANCESTORS); X-Frame-Options would contradict it.
  frameguard: false,
  // The LTI login page talks to the LMS window that opened it; the page sets same-origin itself.
  crossOriginOpenerPolicy: false,
} as const);

/** Swagger UI's page loads only its own files; it has no inline script. */
const DOCS_CSP = {
  "default-src": "'none'",
  "script-src": "'self'",
  "style-src": "'self' 'unsafe-inline'",
  "img-src": "'self' data:",
  "font-src": "'self' data:",
  "connect-src": "'self'",
  "base-uri": "'none'",
  "form-action": "'self'",
  "frame-ancestors": "'none'",
};

/** Node checks the request and headers deadlines on this interval: a quarter of the headers timeout (the shorter) keeps both close to exact. */
const connectionsCheckingIntervalMs = (config: ServerConfig) => Math.max(50, Math.min(5_000, Math.floor(config.headersTimeoutMs / 4)));

/** Builds the whole HTTP service; never listens (main.ts and tests do). */
export async function buildApp(deps: AppDeps) {
  const { config, metrics } = deps;
  const app = Fastify({
    loggerInstance: deps.log,
    bodyLimit: bodyLimitBytes(config.grader.maxSourceBytes),
    // Read here rather than by requestIdHeader, which would take any value verbatim.
    genReqId: (req) => requestIdOf(req.headers["x-request-id"]),
    requestIdHeader: false,
    logController: new LogController({
      requestIdLogLabel: "requestId",
      // Probes and scrapes arrive every few seconds; logging each would drown the submissions.
      disableRequestLogging: (request) => /^\/(healthz|readyz|metrics)\b/.test(request.url),
    }),
    return503OnClosing: true,
    schemaErrorFormatter,
    // A client that trickles its request, or holds a silent connection, is cut off instead of holding a socket for ever.
    connectionTimeout: config.connectionTimeoutMs,
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      headersTimeout: config.headersTimeoutMs,
      requestTimeout: config.requestTimeoutMs,
      connectionsCheckingInterval: connectionsCheckingIntervalMs(config),
    },
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

  await app.register(helmet, helmetOptions(config.ltiFrameAncestors));
  await app.register(swagger, {
    openapi: {
      info: {
        title: "autograde",
        version: "1",
        description: `Grades submissions of the ${deps.exercises.length} NHWC convolution and pooling exercises.`,
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: "/docs", staticCSP: DOCS_CSP });
  await app.register(multipart, {
    limits: { fileSize: config.grader.maxSourceBytes, files: 1, fields: 20, fieldSize: 4096, parts: 21 },
  });

  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
  await app.register(opsRoutes, deps);
  await app.register(webPlugin({ frameAncestors: config.ltiFrameAncestors }));
  await app.register(ltiRoutes, deps);

  const similarity = createSimilarityService({ storage: deps.storage, log: deps.log, timeoutMs: config.similarityTimeoutMs, maxPairs: config.similarityMaxPairs, ...(deps.now ? { now: deps.now } : {}) });
  app.addHook("onClose", async () => similarity.close());

  const authenticate = createAuthenticator({ staticKeys: config.apiKeys, storage: deps.storage, ...(deps.now ? { now: deps.now } : {}) });
  await app.register(
    async (v1) => {
      const limits = await registerRateLimits(v1, {
        perMinute: config.rateLimitPerMinute,
        // With PostgreSQL every api node counts in one table, so N nodes do not allow N times the limit.
        ...(deps.rateLimitStore ? { store: deps.rateLimitStore } : {}),
      });
      v1.decorateRequest("principal", null as unknown as Principal);
      v1.addHook("onRequest", async (request) => {
        const secret = bearerToken(request.headers.authorization);
        if (secret === null) {
          await limits.byAddress(request);
          throw new ApiError(401, "unauthorized", "send Authorization: Bearer <api key>", undefined, { "www-authenticate": "Bearer" });
        }
        const principal = await authenticate(secret);
        if (principal === null) {
          await limits.byAddress(request);
          const message = secret.startsWith(LAUNCH_TOKEN_PREFIX)
            ? "the course launch has expired: open autograde again from the course page"
            : "the API key is not valid";
          throw new ApiError(401, "unauthorized", message, undefined, { "www-authenticate": "Bearer" });
        }
        request.principal = principal;
        await limits.byKey(request);
        request.log = request.log.child({ principal: principal.name, role: principal.role });
      });
      await v1.register(meRoutes, deps);
      await v1.register(exerciseRoutes, deps);
      await v1.register(submissionRoutes, deps);
      await v1.register(courseRoutes, deps);
      await v1.register(staffRoutes, deps);
      await v1.register(analyticsRoutes, deps);
      await v1.register(similarityRoutes(similarity), deps);
      await v1.register(ltiAdminRoutes, deps);
    },
    { prefix: "/v1" },
  );
  return app;
}

import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { health } from "../schemas.ts";

export const opsRoutes: FastifyPluginAsyncZod<AppDeps> = async (app, deps) => {
  app.get("/healthz", { schema: { tags: ["ops"], security: [], response: { 200: health } } }, async () => ({ status: "ok" as const }));

  app.get("/readyz", { schema: { tags: ["ops"], security: [], response: { 200: health, 503: health } } }, async (_request, reply) => {
    if (deps.draining()) return reply.code(503).send({ status: "draining" });
    // A read would still succeed under another process's lock or on a deleted file: ask whether a write could.
    const health = await deps.storage.health();
    if (health.ok) return { status: "ok" as const };
    return reply.code(503).send({ status: "unavailable", reason: health.reason });
  });

  app.get("/metrics", { schema: { tags: ["ops"], security: [] } }, async (_request, reply) => {
    const text = await deps.metrics.registry.metrics();
    return reply.type(deps.metrics.registry.contentType).send(text);
  });
};

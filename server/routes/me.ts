import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { AppDeps } from "../app-deps.ts";
import { errorBody, identity } from "../schemas.ts";

/** Lets a client learn whom its key stands for without probing role-restricted routes. */
export const meRoutes: FastifyPluginAsyncZod<AppDeps> = async (app) => {
  app.get(
    "/me",
    {
      schema: {
        tags: ["auth"],
        description: "The role and name of the caller, and whether it signed in with an API key or an LTI launch.",
        response: { 200: identity, 401: errorBody, 429: errorBody },
      },
    },
    async (request) => ({ role: request.principal.role, name: request.principal.name, origin: request.principal.origin }),
  );
};

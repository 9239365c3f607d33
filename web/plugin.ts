import { randomBytes } from "node:crypto";
// Brings in the `hide` route option that keeps the page out of the OpenAPI document.
import type {} from "@fastify/swagger";
import type { FastifyPluginAsync, FastifyReply } from "fastify";
import { webAssets, type WebAssets } from "./build.ts";
import { FRAME_ANCESTOR_ORIGIN } from "./frame-ancestors.ts";

export interface WebPluginOptions {
  /** Prebuilt assets (tests share one build); otherwise webAssets() at registration. */
  assets?: WebAssets | Promise<WebAssets>;
  /**
   * Origins allowed to frame the page, e.g. the LMS that shows it in an LTI iframe. Framing is refused
   * when empty.
   */
  frameAncestors?: readonly string[];
}


/**
 * Nothing from any other origin, ever. `styleNonce` admits the <style> elements CodeMirror creates
 * at run time (style-mod); the page receives it in a meta tag and hands it to CodeMirror only.
 */
export function contentSecurityPolicy(options: { styleNonce?: string; frameAncestors?: readonly string[] }): string {
  const frameAncestors = options.frameAncestors ?? [];
  for (const origin of frameAncestors) {
    if (!FRAME_ANCESTOR_ORIGIN.test(origin)) {
      throw new Error(`web frameAncestors: ${JSON.stringify(origin)} is not an https origin like https://lms.example.edu (or http://localhost)`);
    }
  }
  return [
    "default-src 'none'",
    "script-src 'self'",
    options.styleNonce ? `style-src 'self' 'nonce-${options.styleNonce}'` : "style-src 'self'",
    "connect-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors.length > 0 ? frameAncestors.join(" ") : "'none'"}`,
  ].join("; ");
}

/** Serves the student/staff page at `/` and its content-hashed assets under `/assets/`. */
export function webPlugin(options: WebPluginOptions = {}): FastifyPluginAsync {
  const frameAncestors = options.frameAncestors ?? [];
  const assetPolicy = contentSecurityPolicy({ frameAncestors });
  return async (app) => {
    const assets = await (options.assets ?? webAssets());
    const secure = (reply: FastifyReply, policy: string) =>
      reply
        .header("content-security-policy", policy)
        .header("x-content-type-options", "nosniff")
        .header("referrer-policy", "no-referrer")
        .header("cross-origin-opener-policy", "same-origin")
        .header("cross-origin-resource-policy", "same-origin");

    // Hidden from the service's OpenAPI document: it describes the API, not the page.
    const hidden = { schema: { hide: true } };
    app.get("/", hidden, async (_request, reply) => {
      const styleNonce = randomBytes(18).toString("base64");
      return secure(reply, contentSecurityPolicy({ styleNonce, frameAncestors }))
        .header("cache-control", "no-store")
        .type("text/html; charset=utf-8")
        .send(assets.indexHtml.replaceAll("{{styleNonce}}", styleNonce));
    });

    app.get<{ Params: { name: string } }>("/assets/:name", hidden, async (request, reply) => {
      const asset = assets.files.get(`/assets/${request.params.name}`);
      if (!asset) {
        return secure(reply, assetPolicy).code(404).send({ error: "not_found", message: `no asset named ${request.params.name}` });
      }
      const gzip = /\bgzip\b/.test(String(request.headers["accept-encoding"] ?? ""));
      const body = gzip ? asset.gzipped : asset.body;
      secure(reply, assetPolicy).header("cache-control", "public, max-age=31536000, immutable").header("vary", "accept-encoding");
      if (gzip) reply.header("content-encoding", "gzip");
      return reply.type(asset.contentType).send(Buffer.from(body.buffer, body.byteOffset, body.byteLength));
    });
  };
}

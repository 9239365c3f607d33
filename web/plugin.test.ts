import { gunzipSync } from "node:zlib";
import swagger from "@fastify/swagger";
import Fastify, { type FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWebAssets, type WebAssets } from "./build.ts";
import { contentSecurityPolicy, webPlugin } from "./plugin.ts";

let assets: WebAssets;
let app: FastifyInstance;

beforeAll(async () => {
  assets = await buildWebAssets();
  app = Fastify();
  await app.register(webPlugin({ assets }));
  await app.ready();
});
afterAll(() => app.close());

function assetPaths(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1] ?? "");
}

describe("webPlugin", () => {
  it("serves the page with a policy that admits nothing from other origins", async () => {
    const response = await app.inject("/");
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-type"]).toMatch(/^text\/html/);
    const csp = String(response.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/https?:|\*|unsafe-/);
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
  });

  it("hands each page load its own style nonce, the one its policy names", async () => {
    const nonces = await Promise.all(
      [1, 2].map(async () => {
        const response = await app.inject("/");
        const inPage = /<meta name="style-nonce" content="([^"]+)"/.exec(response.body)?.[1];
        const inPolicy = /'nonce-([^']+)'/.exec(String(response.headers["content-security-policy"]))?.[1];
        expect(inPage).toBeDefined();
        expect(inPage).toBe(inPolicy);
        return inPage;
      }),
    );
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  it("the page references exactly one script and one stylesheet, both served with a long cache", async () => {
    const html = (await app.inject("/")).body;
    expect(html).not.toContain("{{");
    const paths = assetPaths(html);
    expect(paths.filter((p) => p.endsWith(".js"))).toHaveLength(1);
    expect(paths.filter((p) => p.endsWith(".css"))).toHaveLength(1);
    for (const path of paths) {
      const response = await app.inject(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.headers["cache-control"]).toContain("immutable");
      expect(response.body.length).toBeGreaterThan(100);
    }
  });

  it("the bundle names no other origin to load from", async () => {
    for (const [path, asset] of assets.files) {
      const text = new TextDecoder().decode(asset.body);
      // Bundled libraries mention URLs in comments and docs strings; what matters is no loader call.
      expect(text, path).not.toMatch(/@import\s+url\(\s*["']?https?:/);
      expect(text, path).not.toMatch(/(?:fetch|importScripts)\(\s*["']https?:/);
      expect(text, path).not.toMatch(/src=["']https?:/);
    }
  });

  it("assets go gzipped to clients that accept it, plain to others, with the same content", async () => {
    const script = assetPaths((await app.inject("/")).body).find((p) => p.endsWith(".js"))!;
    const plain = await app.inject(script);
    const zipped = await app.inject({ url: script, headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.rawPayload.length).toBeLessThan(plain.rawPayload.length / 2);
    expect(gunzipSync(zipped.rawPayload).equals(plain.rawPayload)).toBe(true);
  });

  it.each(["/assets/app-nothere.js", "/assets/..%2Fplugin.ts"])("unknown asset %s -> 404 JSON", async (path) => {
    const response = await app.inject(path);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: "not_found" });
  });
});

describe("webPlugin beside the API", () => {
  it("stays out of the service's OpenAPI document", async () => {
    const api = Fastify();
    await api.register(swagger, { openapi: { info: { title: "t", version: "1" } } });
    api.get("/v1/ping", async () => "pong");
    await api.register(webPlugin({ assets }));
    await api.ready();
    const paths = Object.keys((api.swagger() as { paths: Record<string, unknown> }).paths);
    await api.close();
    expect(paths).toContain("/v1/ping");
    expect(paths.filter((p) => p === "/" || p.startsWith("/assets"))).toEqual([]);
  });
});

describe("contentSecurityPolicy", () => {
  it("lists allowed LMS origins for framing", () => {
    expect(contentSecurityPolicy({ frameAncestors: ["https://lms.example.edu", "https://canvas.example.edu:8443"] })).toContain(
      "frame-ancestors https://lms.example.edu https://canvas.example.edu:8443",
    );
  });

  it.each(["http://lms.example.edu", "*", "https://lms.example.edu/path", "'self' https://x"])("refuses frame ancestor %s with a message naming it", (origin) => {
    expect(() => contentSecurityPolicy({ frameAncestors: [origin] })).toThrow(JSON.stringify(origin));
  });
});

import { request as httpRequest } from "node:http";
import { describe, expect, it } from "vitest";
import { KEYS, useServer } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

/**
 * Generated requests (method × path × body × content type × key × headers) against a real port:
 * whatever arrives, the answer is never a 5xx, a /v1 client error is the JSON error shape, and the
 * server still serves afterwards. Seeded: a failure names its request's index, and the same seed
 * makes the same requests again.
 */
const SEED = 0x5eed_2026;
const REQUESTS = 1200;
const CONCURRENCY = 6;

/** mulberry32: small, fast and reproducible. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  return { next, pick };
}

const UUID = "3f2b8c9e-1d4a-4b6f-9e2d-7a8b9c0d1e2f";
const PATHS = [
  "/v1/submissions", "/v1/submissions?wait=true", "/v1/submissions?wait=maybe", `/v1/submissions/${UUID}`, "/v1/submissions/not-a-uuid",
  `/v1/submissions/${UUID}/report?format=xml`, `/v1/submissions/${UUID}/gradings`, `/v1/submissions/${UUID}/regrade`,
  `/v1/submissions/${UUID}/deliveries`, "/v1/submissions?limit=-1&cursor=%00", "/v1/submissions?since=yesterday&student=a%20b",
  "/v1/regrade", "/v1/exercises", "/v1/exercises/zero_pad", "/v1/exercises/%E0%A4%A?detail=maybe", "/v1/exercises?detail=true&detail=false",
  "/v1/gradebook?format=csv&layout=excel", "/v1/gradebook", "/v1/me", "/v1/lti/tool", "/v1/lti/registrations", "/v1/lti/registrations/x/deployments",
  "/v1/lti/registrations/%2e%2e", "/v1/lti/keys/old-kid", "/v1/lti/publications?limit=1e9&state=lost", "/v1/lti/users",
  "/healthz", "/readyz", "/metrics", "/openapi.json", "/", "/assets/..%2f..%2fpackage.json", "/docs", "/docs/static/index.html",
  "/lti/login", "/lti/launch", "/lti/launch/continue", "/lti/deep-link", "/.well-known/jwks.json", "/%ff", "/v1/%00", "//v1//me", "/v1/me?" + "q=1&".repeat(500),
] as const;
/** Weighted towards the methods the routes take, so that most requests reach a handler. */
const METHODS = ["GET", "GET", "GET", "POST", "POST", "POST", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD"] as const;
const CONTENT_TYPES = [
  undefined, "application/json", "application/json; charset=utf-16", "text/plain", "multipart/form-data", "multipart/form-data; boundary=zz",
  "multipart/form-data; boundary=", "application/x-www-form-urlencoded", "application/octet-stream", "garbage/;;;", "application/json; boundary=zz",
] as const;
const AUTHORIZATIONS = [
  undefined, `Bearer ${KEYS.staff}`, `Bearer ${KEYS.alice}`, "Bearer not-a-real-key-at-all", "Bearer lti_forged-session-token", "Basic YWxpY2U6c2VjcmV0",
  "Bearer", `Bearer ${KEYS.alice} trailing`, "Bearer " + "k".repeat(4000),
] as const;

const nested = (depth: number, leaf = '"zero_pad"') => `${"[".repeat(depth)}${leaf}${"]".repeat(depth)}`;
const multipart = (parts: string) => `--zz\r\n${parts}--zz--\r\n`;
const part = (name: string, value: string, filename?: string) =>
  `Content-Disposition: form-data; name="${name}"${filename === undefined ? "" : `; filename="${filename}"`}\r\n\r\n${value}\r\n--zz\r\n`;

/** Bodies: none, broken JSON, wrong shapes, oversized lists, deep nesting, multipart of every kind, bytes. */
function bodies(rng: ReturnType<typeof random>): string | Buffer | undefined {
  const choices: (() => string | Buffer | undefined)[] = [
    () => undefined,
    () => "",
    () => "{",
    () => "null",
    () => "[]",
    () => '{"source":1}',
    () => '{"source":""}',
    () => JSON.stringify({ source: "export const x = 1;", exercises: ["softmax"] }),
    () => JSON.stringify({ source: "export function zero_pad() { return 0; }", exercises: ["zero_pad"] }),
    () => multipart(part("file", "export function zero_pad() { return 0; }", "s.ts") + part("exercises", "zero_pad")),
    () => JSON.stringify({ source: "x", exercises: Array.from({ length: 20_000 }, () => "a") }),
    () => `{"source":"x","exercises":[${nested(20_000)}]}`,
    () => `{"source":"x","exercises":${nested(20_000)}}`,
    () => `{"source":${nested(20_000, "1")}}`,
    () => JSON.stringify({ source: "x", ...Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i])) }),
    () => JSON.stringify({ source: "x", callbackUrl: "javascript:alert(1)" }),
    () => JSON.stringify({ exercise: "zero_pad", student: "../../etc" }),
    () => JSON.stringify({ deploymentIds: Array.from({ length: 5000 }, (_, i) => `d${i}`) }),
    () => JSON.stringify({ issuer: "x".repeat(10_000), clientId: "", deploymentIds: [], authLoginUrl: 1 }),
    () => '{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}},"source":"x"}',
    () => "abc",
    () => multipart(part("source", "export const x = 1;")).slice(0, 40),
    () => multipart(part("source", "export const x = 1;") + part("exercises", "zero_pad,softmax")),
    () => multipart(part("file", "export const x = 1;", "solution.js")),
    () => multipart(part("file", "\u0000\uffff", "../../x.ts") + part("exercises", ",".repeat(3000))),
    () => multipart(part("unknown", "1")),
    () => "--zz\r\nContent-Disposition: form-data\r\n\r\n",
    () => "--zz--",
    () => Buffer.from(Array.from({ length: 1 + Math.floor(rng.next() * 2048) }, () => Math.floor(rng.next() * 256))),
    () => "a=1&b=2&source=export%20const",
  ];
  return rng.pick(choices)();
}

interface Sent {
  readonly index: number;
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
}

function generate(count: number): Sent[] {
  const rng = random(SEED);
  return Array.from({ length: count }, (_, index) => {
    // A third aim at the submission route with a valid key: the route that takes the most input.
    const focused = rng.next() < 0.33;
    const method = focused ? "POST" : rng.pick(METHODS);
    const path = focused ? rng.pick(["/v1/submissions", "/v1/submissions?wait=true"]) : rng.pick(PATHS);
    const body = method === "GET" || method === "HEAD" ? (rng.next() < 0.2 ? bodies(rng) : undefined) : bodies(rng);
    const headers: Record<string, string> = {};
    const contentType = focused ? rng.pick(["application/json", "multipart/form-data; boundary=zz", rng.pick(CONTENT_TYPES)]) : rng.pick(CONTENT_TYPES);
    if (contentType !== undefined) headers["content-type"] = contentType;
    const authorization = focused ? rng.pick([`Bearer ${KEYS.alice}`, `Bearer ${KEYS.staff}`]) : rng.pick(AUTHORIZATIONS);
    if (authorization !== undefined) headers.authorization = authorization;
    if (rng.next() < 0.2) headers["x-request-id"] = rng.pick(["ok-1", "x".repeat(9000), '{"a":1}', "\u00ff\u00fe"]);
    if (rng.next() < 0.1) headers["idempotency-key"] = rng.pick(["", "k".repeat(300), "same-key"]);
    if (rng.next() < 0.05) headers["accept-encoding"] = "gzip, br, zstd, *;q=0";
    return { index, method, path, headers, body };
  });
}

/** node:http rather than fetch: it sends what fetch refuses (GET bodies, odd methods, latin-1 headers). */
function send(baseUrl: string, sent: Sent): Promise<{ status: number; body: string; contentType: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: sent.method, path: sent.path, headers: sent.headers, agent: false },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, contentType: String(res.headers["content-type"] ?? "") }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    // Framed by Content-Length: Node sends a GET's or DELETE's body unframed otherwise, which reads as a second request.
    if (sent.body !== undefined) req.setHeader("content-length", Buffer.byteLength(sent.body));
    req.end(sent.body);
  });
}

const describeSent = (s: Sent) =>
  `#${s.index} ${s.method} ${s.path.slice(0, 80)} ${JSON.stringify(Object.fromEntries(Object.entries(s.headers).map(([k, v]) => [k, v.slice(0, 40)])))} body=${
    s.body === undefined ? "none" : JSON.stringify(s.body.toString().slice(0, 80))
  }`;

describe("HTTP fuzz: generated requests never get a 5xx (sqlite)", () => {
  // Generous limits: the fuzz is about what requests contain, not how many there are.
  const served = useServer("sqlite", { AUTOGRADE_RATE_LIMIT_PER_MINUTE: "100000", AUTOGRADE_WAIT_MAX_MS: "200", AUTOGRADE_DRAIN_GRACE_MS: "0" });

  it.each([
    ["multipart with no boundary", "multipart/form-data", multipart(part("source", "export const x = 1;")), "malformed_multipart"],
    ["a truncated multipart body", "multipart/form-data; boundary=zz", multipart(part("source", "export const x = 1;")).slice(0, 60), "malformed_multipart"],
    ["boundary=zz and a body that is not multipart", "multipart/form-data; boundary=zz", '{"source":"export const x = 1;"}', "malformed_multipart"],
    ["120,000 exercises (a 480 KB body)", "application/json", JSON.stringify({ source: "x", exercises: Array.from({ length: 120_000 }, () => "a") }), "validation_error"],
    ["exercises nested 100,000 arrays deep", "application/json", `{"source":"x","exercises":${nested(100_000)}}`, "validation_error"],
  ])("%s: a small 400 naming the problem", async (_label, contentType, body, error) => {
    const sent: Sent = { index: -1, method: "POST", path: "/v1/submissions", headers: { "content-type": contentType, authorization: `Bearer ${KEYS.alice}` }, body };
    const answer = await send(served.url, sent);
    expect(answer.status).toBe(400);
    expect(answer.body.length).toBeLessThan(2_000);
    expect(JSON.parse(answer.body)).toMatchObject({ error, message: expect.any(String) });
  });

  it(`${REQUESTS} requests, seed ${SEED}: no 5xx, /v1 errors are { error, message }, and the server serves afterwards`, async () => {
    const requests = generate(REQUESTS);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < requests.length) {
          const sent = requests[next++]!;
          let answer;
          try {
            answer = await send(served.url, sent);
          } catch (err) {
            // A socket closed by Node's own parser (a header it refuses) is its 400, not a crash; anything else is.
            if ((err as NodeJS.ErrnoException).code !== "ECONNRESET") failures.push(`${describeSent(sent)} -> ${String(err)}`);
            continue;
          }
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (answer.status >= 500) failures.push(`${describeSent(sent)} -> ${answer.status} ${answer.body.slice(0, 200)}`);
          const apiError = sent.path.startsWith("/v1/") && answer.status >= 400 && sent.method !== "HEAD";
          if (apiError) {
            let json: { error?: unknown; message?: unknown } | undefined;
            try {
              json = JSON.parse(answer.body);
            } catch {
              json = undefined;
            }
            if (typeof json?.error !== "string" || typeof json.message !== "string") {
              failures.push(`${describeSent(sent)} -> ${answer.status} not { error, message }: ${answer.body.slice(0, 200)}`);
            }
          }
        }
      }),
    );
    expect(failures.slice(0, 10), `${failures.length} failures; statuses ${JSON.stringify(Object.fromEntries(statuses))}`).toEqual([]);
    // The generator reaches past authentication and validation, not only 401s.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 202, 400, 401, 404]));

    const anon = served.client(null);
    expect((await anon.get("/healthz")).status).toBe(200);
    const alice = served.client(KEYS.alice);
    const accepted = await alice.post("/v1/submissions", { source: distributeSolution, exercises: ["distribute_value"] });
    expect(accepted.status).toBe(202);
    expect(await alice.waitGraded(accepted.json.id)).toMatchObject({ status: "graded", score: 5 });
  }, 180_000);
});

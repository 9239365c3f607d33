import { describe, expect, it } from "vitest";
import { KEYS, useServer } from "./helpers/server.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const LMS = "https://lms.example.edu";
const directives = (policy: string | null) => (policy ?? "").split(/;\s*/).filter(Boolean);

describe("HTTP headers: request ids and helmet (sqlite)", () => {
  const served = useServer("sqlite", { AUTOGRADE_LTI_FRAME_ANCESTORS: LMS });
  const alice = served.client(KEYS.alice);
  const anon = served.client(null);

  /** The log lines of the request that got `id` (pino JSON on the server's stdout). */
  const linesOf = (id: string) => served.server.logs.filter((line) => line.includes(`"requestId":"${id}"`));

  it("keeps a short, plain X-Request-Id: echoed and in the request's log lines", async () => {
    const r = await alice.get("/v1/me", { "x-request-id": "lb-7f3a.2026:12_03" });
    expect(r.headers.get("x-request-id")).toBe("lb-7f3a.2026:12_03");
    await expect.poll(() => linesOf("lb-7f3a.2026:12_03").length).toBeGreaterThan(0);
  });

  it.each([
    ["8 KB long", "a".repeat(8192)],
    ["JSON-shaped", '{"level":60,"msg":"forged"}'],
    ["65 characters", "b".repeat(65)],
    ["with spaces", "id with spaces"],
    ["with a slash", "a/b"],
  ])("replaces an X-Request-Id that is %s by a fresh one, and never logs it", async (_label, sent) => {
    const r = await alice.get("/v1/me", { "x-request-id": sent });
    expect(r.status).toBe(200);
    const id = r.headers.get("x-request-id")!;
    expect(id).toMatch(UUID);
    await expect.poll(() => linesOf(id).length).toBeGreaterThan(0);
    expect(served.server.logs.some((line) => line.includes(sent) || line.includes(JSON.stringify(sent).slice(1, -1)))).toBe(false);
  });

  it("sends helmet's headers on API answers, errors included, with a policy that loads nothing and lets only the LMS frame JSON", async () => {
    for (const r of [await anon.get("/healthz"), await anon.get("/v1/me"), await alice.get("/v1/nowhere")]) {
      expect(r.headers.get("x-content-type-options")).toBe("nosniff");
      expect(directives(r.headers.get("content-security-policy"))).toEqual(
        expect.arrayContaining(["default-src 'none'", `frame-ancestors ${LMS}`]),
      );
      expect(r.headers.get("referrer-policy")).toBe("no-referrer");
      expect(r.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(r.headers.get("strict-transport-security")).toMatch(/max-age=\d+/);
      // frame-ancestors decides framing: an X-Frame-Options would contradict the LMS origins allowed.
      expect(r.headers.get("x-frame-options")).toBeNull();
    }
  });

  it("keeps the page's own policy: a fresh style nonce that the page carries, and the LMS as frame ancestor", async () => {
    const [first, second] = [await anon.get("/"), await anon.get("/")];
    const policies = [first, second].map((r) => r.headers.get("content-security-policy")!);
    const nonces = policies.map((p) => /style-src 'self' 'nonce-([^']+)'/.exec(p)?.[1]);
    expect(nonces[0]).toBeDefined();
    expect(nonces[0]).not.toBe(nonces[1]);
    expect(first.text).toContain(nonces[0]);
    expect(directives(policies[0]!)).toEqual(expect.arrayContaining(["default-src 'none'", "script-src 'self'", `frame-ancestors ${LMS}`]));
    expect(first.headers.get("x-frame-options")).toBeNull();
    expect(first.headers.get("cross-origin-opener-policy")).toBe("same-origin");
    expect(first.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("gives Swagger UI a policy of its own files only", async () => {
    const docs = await anon.get("/docs/");
    expect(docs.status).toBe(200);
    expect(directives(docs.headers.get("content-security-policy"))).toEqual(
      expect.arrayContaining(["default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"]),
    );
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolKeyStore } from "./lti/key-store.ts";
import { buildLtiAdminApp, STAFF, STUDENT, type App } from "./routes/lti-admin.harness.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import type { LeasedQueueStorage } from "./storage/types.ts";

/** The real app on SQLite (the plugin's in-memory store); tests/pg-rate-limit.test.ts covers the shared PostgreSQL store. */
describe("rate limiting (@fastify/rate-limit in the /v1 authentication hook)", () => {
  let dir: string;
  let storage: LeasedQueueStorage;
  let app: App;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "autograde-rate-limit-"));
    storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
    const toolKeys = await createToolKeyStore({ storage, activationDelayMs: 0 });
    app = await buildLtiAdminApp({ dir, storage, toolKeys, env: { AUTOGRADE_RATE_LIMIT_PER_MINUTE: "3" } });
  });
  afterAll(async () => {
    await app?.close();
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const me = (key: string | null, remoteAddress = "10.0.0.1") =>
    app.inject({ method: "GET", url: "/v1/me", remoteAddress, headers: key === null ? {} : { authorization: `Bearer ${key}` } });

  it("allows a key its requests per minute, then answers 429 rate_limited with Retry-After; other keys go on", async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await me(STUDENT)).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await me(STUDENT, "10.0.0.99");
    expect(limited.statusCode).toBe(429);
    expect(limited.json()).toEqual({ error: "rate_limited", message: "over 3 requests per minute for this key" });
    const retryAfter = Number(limited.headers["retry-after"]);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await me(STAFF)).statusCode).toBe(200);
  });

  it("limits requests with a bad or missing key per client address, without holding back other addresses or valid keys", async () => {
    const statuses = [];
    for (const key of ["wrong-key-number-one", null, "lti_expired-session-token"]) statuses.push((await me(key, "192.0.2.7")).statusCode);
    expect(statuses).toEqual([401, 401, 401]);
    const guessing = await me("wrong-key-number-four", "192.0.2.7");
    expect(guessing.statusCode).toBe(429);
    expect(guessing.json()).toEqual({ error: "rate_limited", message: "over 3 requests per minute without a valid key from this address" });
    expect(Number(guessing.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    expect((await me(null, "192.0.2.7")).statusCode).toBe(429);

    expect((await me("wrong-key-number-five", "192.0.2.8")).statusCode).toBe(401);
    expect((await me(STAFF, "192.0.2.7")).statusCode).toBe(200);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseToolStoragePage } from "../../tests/helpers/lti-platform-storage.ts";
import { createToolKeyStore } from "../lti/key-store.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";
import { buildLtiAdminApp, type App } from "./lti-admin.harness.ts";

/** /lti/login in process: which logins get a platform-storage page, and AUTOGRADE_LTI_REQUIRE_PLATFORM_STORAGE. */
let dir: string;
let storage: LeasedQueueStorage;
let lenient: App;
let strict: App;
const ISSUER = "https://canvas.example.edu";

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-lti-storage-login-"));
  storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  const toolKeys = await createToolKeyStore({ storage, activationDelayMs: 0 });
  await storage.createLtiRegistration({
    issuer: ISSUER,
    clientId: "client-1",
    deploymentIds: ["dep-1"],
    authLoginUrl: "https://sso.canvas.example.edu/api/lti/authorize_redirect",
    authTokenUrl: "https://sso.canvas.example.edu/login/oauth2/token",
    jwksUrl: "https://sso.canvas.example.edu/api/lti/security/jwks",
    now: Date.now(),
  });
  lenient = await buildLtiAdminApp({ dir, storage, toolKeys, env: { AUTOGRADE_LTI_FRAME_ANCESTORS: "https://canvas.example.edu" } });
  strict = await buildLtiAdminApp({ dir, storage, toolKeys, env: { AUTOGRADE_LTI_REQUIRE_PLATFORM_STORAGE: "true" } });
});

afterAll(async () => {
  await lenient?.close();
  await strict?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const login = (app: App, extra: Record<string, string> = {}) =>
  app.inject({
    method: "GET",
    url: `/lti/login?${new URLSearchParams({ iss: ISSUER, login_hint: "u1", target_link_uri: "http://tool.test:8080/lti/launch", client_id: "client-1", ...extra })}`,
    headers: { host: "tool.test:8080" },
  });

describe("/lti/login and platform storage", () => {
  it("with lti_storage_target: a page that stores the secret in the LMS window before going on to the platform", async () => {
    const response = await login(lenient, { lti_storage_target: "post_message_forwarding" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-security-policy"]).toContain("frame-ancestors https://canvas.example.edu");
    expect(response.headers["cache-control"]).toBe("no-store");
    const data = parseToolStoragePage(response.body);
    expect(data).toMatchObject({ step: "put", platformOrigin: "https://sso.canvas.example.edu", target: "post_message_forwarding", timeoutMs: 5000 });
    const auth = new URL(data.authUrl!);
    expect(auth.origin + auth.pathname).toBe("https://sso.canvas.example.edu/api/lti/authorize_redirect");
    const state = auth.searchParams.get("state")!;
    expect(data.key).toBe(`autograde_state_${state}`);
    expect((await storage.findLtiLoginState(state, Date.now()))?.platformStorage).toEqual({ target: "post_message_forwarding", valueHash: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it("without it: today's redirect, with a state bound to nothing", async () => {
    const response = await login(lenient);
    expect(response.statusCode).toBe(302);
    const state = new URL(response.headers.location as string).searchParams.get("state")!;
    expect((await storage.findLtiLoginState(state, Date.now()))?.platformStorage).toBeNull();
  });

  it("AUTOGRADE_LTI_REQUIRE_PLATFORM_STORAGE=true refuses a login without it, so an attacker cannot pick the unbound fallback", async () => {
    const refused = await login(strict);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: "platform_storage_required", details: { field: "lti_storage_target" } });
    expect((await login(strict, { lti_storage_target: "_parent" })).statusCode).toBe(200);
  });
});

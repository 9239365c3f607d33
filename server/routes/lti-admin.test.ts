import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolKeyStore, type ToolKeyStore } from "../lti/key-store.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";
import { buildLtiAdminApp, caller, STUDENT, type App } from "./lti-admin.harness.ts";


let dir: string;
let storage: LeasedQueueStorage;
let toolKeys: ToolKeyStore;
let clock: number;
const KEY_ACTIVATION_DELAY_MS = 120_000;
const iso = (ms: number) => new Date(ms).toISOString();
let app: App;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-lti-admin-"));
  storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  clock = Date.now();
  toolKeys = await createToolKeyStore({ storage, now: () => clock, activationDelayMs: KEY_ACTIVATION_DELAY_MS });
  app = await makeApp({});
});

const makeApp = (env: NodeJS.ProcessEnv, keys: ToolKeyStore = toolKeys) => buildLtiAdminApp({ dir, storage, toolKeys: keys, env });

afterAll(async () => {
  await app?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const call = caller(() => app);

let issuerCount = 0;
function platform(overrides: Record<string, unknown> = {}) {
  issuerCount++;
  return {
    issuer: `https://lms${issuerCount}.example.edu`,
    clientId: `client-${issuerCount}`,
    deploymentIds: ["dep-1"],
    authLoginUrl: "https://lms.example.edu/api/lti/authorize_redirect",
    authTokenUrl: "https://lms.example.edu/login/oauth2/token",
    jwksUrl: "https://lms.example.edu/api/lti/security/jwks",
    ...overrides,
  };
}

describe("staff only", () => {
  it.each([
    ["GET", "/lti/tool"], ["GET", "/lti/registrations"], ["POST", "/lti/registrations"],
    ["PUT", "/lti/registrations/x/deployments"], ["DELETE", "/lti/registrations/x"], ["POST", "/lti/keys/rotate"],
    ["DELETE", "/lti/keys/x"], ["GET", "/lti/publications"], ["GET", "/lti/users"],
  ] as const)("%s %s: 403 for a student key, 401 without a key", async (method, url) => {
    // A valid body: validation runs before the staff check, as on every staff route.
    const body = method === "POST" ? platform() : method === "PUT" ? { deploymentIds: ["d"] } : undefined;
    const student = await call(method, url, { key: STUDENT, body });
    expect(student.status).toBe(403);
    expect(student.json).toMatchObject({ error: "forbidden" });
    expect((await call(method, url, { key: null, body })).status).toBe(401);
  });

  it("a student's refused rotation leaves the keys alone", async () => {
    const before = await toolKeys.jwks();
    await call("POST", "/lti/keys/rotate", { key: STUDENT });
    expect(await toolKeys.jwks()).toEqual(before);
  });
});

describe("GET /lti/tool", () => {
  it("gives the LMS admin the URLs on the addressed origin and the published key ids", async () => {
    const r = await call("GET", "/lti/tool", { host: "grader.example.edu:8443" });
    expect(r.status).toBe(200);
    const keys = await toolKeys.current();
    expect(r.json).toEqual({
      loginUrl: "http://grader.example.edu:8443/lti/login",
      launchUrl: "http://grader.example.edu:8443/lti/launch",
      deepLinkingRequestUrl: "http://grader.example.edu:8443/lti/launch",
      deepLinkUrl: "http://grader.example.edu:8443/lti/deep-link",
      jwksUrl: "http://grader.example.edu:8443/.well-known/jwks.json",
      currentKid: keys.currentKid(),
      nextKid: null,
      nextSignsFrom: null,
      publishedKids: keys.jwks().keys.map((k) => k.kid),
    });
  });

  it("uses the configured public origin whatever the Host header says", async () => {
    const configured = await makeApp({ AUTOGRADE_PUBLIC_URL: "https://autograde.example.edu" });
    try {
      const r = await call("GET", "/lti/tool", { host: "internal:3000", on: configured });
      expect(r.json).toMatchObject({ loginUrl: "https://autograde.example.edu/lti/login", jwksUrl: "https://autograde.example.edu/.well-known/jwks.json" });
    } finally {
      await configured.close();
    }
  });
});

describe("registrations", () => {
  it("register, list, replace deployments, refuse a duplicate, remove", async () => {
    const input = platform();
    const created = await call("POST", "/lti/registrations", { body: input });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...input, id: expect.any(String) });
    expect(new Date(created.json.createdAt).toISOString()).toBe(created.json.createdAt);
    const id: string = created.json.id;

    const listed = await call("GET", "/lti/registrations");
    expect(listed.json.registrations).toContainEqual(created.json);

    const duplicate = await call("POST", "/lti/registrations", { body: { ...input, deploymentIds: ["other"] } });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json).toMatchObject({ error: "conflict", message: expect.stringContaining(input.issuer) });

    const replaced = await call("PUT", `/lti/registrations/${id}/deployments`, { body: { deploymentIds: ["dep-2", "dep-3"] } });
    expect(replaced.status).toBe(200);
    expect(replaced.json).toMatchObject({ id, deploymentIds: ["dep-2", "dep-3"] });
    expect((await storage.getLtiRegistration(id))?.deploymentIds).toEqual(["dep-2", "dep-3"]);

    const removed = await call("DELETE", `/lti/registrations/${id}`);
    expect(removed.status).toBe(204);
    expect(removed.body).toBe("");
    expect(await storage.getLtiRegistration(id)).toBeNull();
    expect((await call("DELETE", `/lti/registrations/${id}`)).status).toBe(404);
  });

  it("the same issuer with another client id is a separate registration", async () => {
    const input = platform();
    expect((await call("POST", "/lti/registrations", { body: input })).status).toBe(201);
    expect((await call("POST", "/lti/registrations", { body: { ...input, clientId: "second-client" } })).status).toBe(201);
  });

  it.each([
    ["PUT", "/lti/registrations/no-such-id/deployments", { deploymentIds: ["d"] }],
    ["DELETE", "/lti/registrations/no-such-id", undefined],
  ] as const)("%s %s: 404 for an unknown registration", async (method, url, body) => {
    const r = await call(method, url, { body });
    expect(r.status).toBe(404);
    expect(r.json).toMatchObject({ error: "not_found", message: expect.stringContaining("no-such-id") });
  });

  it.each([
    ["issuer not a URL", platform({ issuer: "lms.example.edu" }), /issuer must be a URL/],
    ["no deployment ids", platform({ deploymentIds: [] }), /at least one deployment id/],
    ["missing jwksUrl", { ...platform(), jwksUrl: undefined }, /jwksUrl/],
  ])("POST with %s is a 400 naming the field", async (_name, body, message) => {
    const r = await call("POST", "/lti/registrations", { body });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "validation_error", message: expect.stringMatching(message) });
  });

  it.each([
    ["an empty list", { deploymentIds: [] }, /at least one deployment id/],
    ["an unknown field", { deploymentIds: ["d"], issuer: "x" }, /issuer/],
  ])("PUT deployments with %s is a 400", async (_name, body, message) => {
    const created = await call("POST", "/lti/registrations", { body: platform() });
    const r = await call("PUT", `/lti/registrations/${created.json.id}/deployments`, { body });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "validation_error", message: expect.stringMatching(message) });
  });
});

describe("tool keys", () => {
  it("rotate publishes a key that signs after the delay; the signing and pending keys cannot be retired until the switch", async () => {
    const oldKid = (await toolKeys.current()).currentKid();
    const rotated = await call("POST", "/lti/keys/rotate");
    expect(rotated.status).toBe(200);
    const { newKid, publishedKids } = rotated.json;
    const signsFrom = iso(clock + KEY_ACTIVATION_DELAY_MS);
    expect(rotated.json).toEqual({ newKid: expect.any(String), signsFrom, publishedKids: [oldKid, newKid] });
    expect(newKid).not.toBe(oldKid);
    expect((await toolKeys.jwks()).keys.map((k) => k.kid)).toEqual(publishedKids);
    expect((await call("GET", "/lti/tool")).json).toMatchObject({ currentKid: oldKid, nextKid: newKid, nextSignsFrom: signsFrom, publishedKids });

    const pending = await call("DELETE", `/lti/keys/${newKid}`);
    expect(pending.status).toBe(409);
    expect(pending.json).toMatchObject({ error: "conflict", message: expect.stringContaining(`pending and starts signing at ${signsFrom}`) });
    const signing = await call("DELETE", `/lti/keys/${oldKid}`);
    expect(signing.status).toBe(409);
    expect(signing.json).toMatchObject({ error: "conflict", message: expect.stringContaining(`signs now, until ${newKid} takes over at ${signsFrom}`) });
    const unknown = await call("DELETE", "/lti/keys/no-such-kid");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: "not_found" });

    clock += KEY_ACTIVATION_DELAY_MS;
    expect((await call("GET", "/lti/tool")).json).toMatchObject({ currentKid: newKid, nextKid: null, nextSignsFrom: null });
    const current = await call("DELETE", `/lti/keys/${newKid}`);
    expect(current.status).toBe(409);
    expect(current.json).toMatchObject({ error: "conflict", message: expect.stringMatching(/signs now; rotate first/) });
    const retired = await call("DELETE", `/lti/keys/${oldKid}`);
    expect(retired.status).toBe(200);
    expect(retired.json).toEqual({ publishedKids: [newKid] });
    expect((await call("GET", "/lti/tool")).json).toMatchObject({ currentKid: newKid, publishedKids: [newKid] });
  });

  it("a rotation that keeps losing the race to other writers is a 503 to retry, not a 500", async () => {
    const losing = await createToolKeyStore({
      storage: { loadToolKeys: () => storage.loadToolKeys(), saveToolKeys: async () => false },
      maxSaveAttempts: 2,
    });
    const contended = await makeApp({}, losing);
    try {
      const r = await call("POST", "/lti/keys/rotate", { on: contended });
      expect(r.status).toBe(503);
      expect(r.headers["retry-after"]).toBe("1");
      expect(r.json).toMatchObject({ error: "busy" });
    } finally {
      await contended.close();
    }
  });
});

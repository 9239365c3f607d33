import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exercises } from "../../exercises/index.ts";
import { buildApp } from "../app.ts";
import { loadServerConfig } from "../config.ts";
import { createToolKeyStore, type ToolKeyStore } from "../lti/key-store.ts";
import { createMetrics } from "../metrics.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";

const STAFF = "staff-secret-lti-admin";
const STUDENT = "alice-secret-lti-admin";

let dir: string;
let storage: LeasedQueueStorage;
let toolKeys: ToolKeyStore;
let app: Awaited<ReturnType<typeof buildApp>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-lti-admin-"));
  storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  toolKeys = await createToolKeyStore({ storage });
  app = await makeApp({});
});

async function makeApp(env: NodeJS.ProcessEnv, keys: ToolKeyStore = toolKeys) {
  const config = loadServerConfig({ AUTOGRADE_DATA_DIR: dir, AUTOGRADE_API_KEYS: `staff:prof:${STAFF},student:alice:${STUDENT}`, ...env });
  const built = await buildApp({
    config,
    storage,
    toolKeys: keys,
    exercises,
    queue: { notify: () => {}, waitFor: async () => null as never },
    metrics: createMetrics({ queueDepth: async () => ({ queued: 0, running: 0 }), workerRestarts: () => 0 }),
    log: pino({ level: "silent" }),
    draining: () => false,
  });
  await built.ready();
  return built;
}

afterAll(async () => {
  await app?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

type Method = "GET" | "POST" | "PUT" | "DELETE";
async function call(method: Method, url: string, options: { body?: unknown; key?: string | null; host?: string; on?: typeof app } = {}) {
  const key = options.key === undefined ? STAFF : options.key;
  const response = await (options.on ?? app).inject({
    method,
    url: `/v1${url}`,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(options.host ? { host: options.host } : {}) },
    ...(options.body !== undefined ? { payload: options.body as object } : {}),
  });
  return { status: response.statusCode, headers: response.headers, json: response.body === "" ? null : response.json(), body: response.body };
}

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
      deepLinkUrl: "http://grader.example.edu:8443/lti/deep-link",
      jwksUrl: "http://grader.example.edu:8443/.well-known/jwks.json",
      currentKid: keys.currentKid(),
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
  it("rotate publishes a second key; retiring the current one is 409, an unknown one 404, the old one 200", async () => {
    const oldKid = (await toolKeys.current()).currentKid();
    const rotated = await call("POST", "/lti/keys/rotate");
    expect(rotated.status).toBe(200);
    const { currentKid, publishedKids } = rotated.json;
    expect(currentKid).not.toBe(oldKid);
    expect(publishedKids).toEqual(expect.arrayContaining([oldKid, currentKid]));
    expect((await toolKeys.jwks()).keys.map((k) => k.kid)).toEqual(publishedKids);

    const current = await call("DELETE", `/lti/keys/${currentKid}`);
    expect(current.status).toBe(409);
    expect(current.json).toMatchObject({ error: "conflict", message: expect.stringMatching(/rotate first/) });
    const unknown = await call("DELETE", "/lti/keys/no-such-kid");
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: "not_found" });

    const retired = await call("DELETE", `/lti/keys/${oldKid}`);
    expect(retired.status).toBe(200);
    expect(retired.json.publishedKids).not.toContain(oldKid);
    expect(retired.json.publishedKids).toContain(currentKid);
    expect((await call("GET", "/lti/tool")).json).toMatchObject({ currentKid, publishedKids: retired.json.publishedKids });
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

describe("GET /lti/publications and /lti/users", () => {
  const submissionA = "00000000-0000-4000-8000-00000000000a";
  const submissionB = "00000000-0000-4000-8000-00000000000b";
  let ids: Record<string, string>;

  beforeAll(async () => {
    const base = { registrationId: "reg", lineItemUrl: "https://lms.example.edu/lineitems/1", gradingAttempt: 1, scoreMaximum: 10 };
    const made = async (student: string, submissionId: string, scoreGiven: number, createdAt: number) =>
      (await storage.createLtiPublication({ ...base, student, submissionId, scoreGiven, createdAt })).id;
    ids = {
      carolOld: await made("carol", submissionA, 4, Date.parse("2026-01-01T00:00:00Z")),
      carolNew: await made("carol", submissionA, 7, Date.parse("2026-01-02T00:00:00Z")),
      dave: await made("dave", submissionB, 9, Date.parse("2026-01-03T00:00:00Z")),
    };
    await storage.updateLtiPublication(ids.dave!, { state: "failed", attempts: 5, statusCode: 500, error: "platform said 500", now: Date.parse("2026-01-03T00:05:00Z") });
  });

  const listed = async (query: string) => {
    const r = await call("GET", `/lti/publications${query}`);
    expect(r.status).toBe(200);
    return (r.json.publications as { id: string }[]).map((p) => p.id);
  };

  it.each([
    ["student=carol", () => [ids.carolNew, ids.carolOld]],
    [`submission=${submissionB}`, () => [ids.dave]],
    ["state=failed", () => [ids.dave]],
    ["state=pending&student=carol&limit=1", () => [ids.carolNew]],
  ])("?%s filters, newest first", async (query, expected) => {
    expect(await listed(`?${query}`)).toEqual(expected());
  });

  it("gives times as ISO strings and the failure's details", async () => {
    const r = await call("GET", "/lti/publications?state=failed");
    expect(r.json.publications[0]).toMatchObject({
      student: "dave", state: "failed", attempts: 5, statusCode: 500, error: "platform said 500",
      createdAt: "2026-01-03T00:00:00.000Z", updatedAt: "2026-01-03T00:05:00.000Z",
    });
  });

  it.each([
    ["limit=0", /limit/],
    ["limit=1001", /limit/],
    ["state=sent", /state must be one of pending, published, failed/],
    ["submission=nope", /submission must be a submission id/],
    ["student=has%20space", /student/],
  ])("?%s is a 400", async (query, message) => {
    const r = await call("GET", `/lti/publications?${query}`);
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "validation_error", message: expect.stringMatching(message) });
  });

  it("lists LTI users with the student name their work is filed under", async () => {
    const erin = { userKey: "https://lms.example.edu#u-1", student: "lti-erin", issuer: "https://lms.example.edu", subject: "u-1", name: "Erin", email: null };
    await storage.upsertLtiUser({ ...erin, now: Date.parse("2026-02-01T00:00:00Z") });
    const r = await call("GET", "/lti/users");
    expect(r.status).toBe(200);
    expect(r.json.users).toContainEqual({ ...erin, createdAt: "2026-02-01T00:00:00.000Z", lastLaunchAt: "2026-02-01T00:00:00.000Z" });
  });
});

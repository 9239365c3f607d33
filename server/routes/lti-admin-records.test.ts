import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createToolKeyStore } from "../lti/key-store.ts";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";
import { buildLtiAdminApp, caller, STUDENT, type App } from "./lti-admin.harness.ts";

/** What reached the LMS, for staff: publications and launched users (the rest is in lti-admin.test.ts). */
let dir: string;
let storage: LeasedQueueStorage;
let app: App;
const call = caller(() => app);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-lti-records-"));
  storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  app = await buildLtiAdminApp({ dir, storage, toolKeys: await createToolKeyStore({ storage }) });
});

afterAll(async () => {
  await app?.close();
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
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

describe("PUT /lti/contexts (several LMS contexts, one course)", () => {
  const issuer = "https://lms.example.edu";
  beforeAll(async () => {
    await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
    await storage.createCourse({ id: "cs102", title: "CS 102", now: 1 });
  });

  it("links two sections to one course, idempotently, and refuses moving a linked section to another course", async () => {
    expect(await call("PUT", "/lti/contexts", { body: { issuer, contextId: "sec-a", course: "cs101" } })).toMatchObject({ status: 200, json: { course: "cs101", created: true } });
    expect(await call("PUT", "/lti/contexts", { body: { issuer, contextId: "sec-b", course: "cs101" } })).toMatchObject({ status: 200, json: { created: true } });
    expect(await call("PUT", "/lti/contexts", { body: { issuer, contextId: "sec-a", course: "cs101" } })).toMatchObject({ status: 200, json: { created: false } });
    expect(await storage.courseForLtiContext(issuer, "sec-a")).toBe("cs101");
    expect(await storage.courseForLtiContext(issuer, "sec-b")).toBe("cs101");
    const moved = await call("PUT", "/lti/contexts", { body: { issuer, contextId: "sec-a", course: "cs102" } });
    expect(moved).toMatchObject({ status: 409, json: { error: "conflict", details: { field: "contextId", course: "cs101" } } });
    expect(await storage.courseForLtiContext(issuer, "sec-a")).toBe("cs101");
  });

  it.each([
    ["an unknown course", { issuer, contextId: "sec-c", course: "nope" }, 404, "course"],
    ["an issuer that is not a URL", { issuer: "lms", contextId: "sec-c", course: "cs101" }, 400, "issuer"],
    ["an empty context id", { issuer, contextId: "", course: "cs101" }, 400, "contextId"],
  ])("refuses %s, naming the field", async (_name, body, status, field) => {
    const r = await call("PUT", "/lti/contexts", { body });
    expect(r.status).toBe(status);
    expect(JSON.stringify(r.json)).toContain(field);
  });

  it("is for staff API keys only", async () => {
    expect((await call("PUT", "/lti/contexts", { body: { issuer, contextId: "sec-d", course: "cs101" }, key: STUDENT })).status).toBe(403);
  });
});

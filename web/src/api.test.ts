import { describe, expect, it } from "vitest";
import { ApiError, createApiClient, type Credentials } from "./api.ts";

interface Recorded {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

function fakeFetch(respond: (request: Recorded) => Response) {
  const requests: Recorded[] = [];
  const fetch = async (input: string | URL | Request, init?: RequestInit) => {
    const request: Recorded = {
      url: String(input),
      method: init?.method ?? "GET",
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === "string" ? { body: init.body } : {}),
    };
    requests.push(request);
    return respond(request);
  };
  return { fetch: fetch as typeof globalThis.fetch, requests };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";

describe("createApiClient", () => {
  it.each<[string, Credentials, string | undefined]>([
    ["bearer key -> Authorization header", { kind: "bearer", secret: "s3cret-key-123" }, "Bearer s3cret-key-123"],
    ["cookie session -> no Authorization header", { kind: "cookie" }, undefined],
  ])("%s", async (_name, credentials, expected) => {
    const { fetch, requests } = fakeFetch(() => json(200, { role: "student", name: "alice" }));
    await createApiClient({ credentials, fetch }).me();
    expect(requests[0]?.headers.authorization).toBe(expected);
  });

  it("me asks GET /v1/me and returns role and name", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, { role: "staff", name: "prof" }));
    expect(await createApiClient({ credentials: { kind: "cookie" }, fetch }).me()).toEqual({ role: "staff", name: "prof" });
    expect(requests[0]).toMatchObject({ url: "/v1/me", method: "GET" });
  });

  it("exerciseCatalogue asks for every exercise in detail and the starter module in one request", async () => {
    const body = {
      exercises: [{ id: "zero_pad", title: "Zero-padding", points: 10, description: "Pad.", signature: "function zero_pad()", starter: "export function zero_pad() {}", visibleCases: [], hiddenCaseCount: 6 }],
      starterModule: "import * as np from \"@autograde/np\";\n\nexport function zero_pad() {}\n",
    };
    const { fetch, requests } = fakeFetch(() => json(200, body));
    const catalogue = await createApiClient({ credentials: { kind: "cookie" }, fetch }).exerciseCatalogue();
    expect(requests.map((r) => r.url)).toEqual(["/v1/exercises?detail=true"]);
    expect(catalogue.exercises.map((e) => [e.id, e.starter])).toEqual([["zero_pad", "export function zero_pad() {}"]]);
    expect(catalogue.starterModule).toBe(body.starterModule);
  });

  it("exerciseCatalogue refuses summaries without a starter module (a service without ?detail=true)", async () => {
    const { fetch } = fakeFetch(() => json(200, { exercises: [{ id: "zero_pad", title: "Zero-padding", points: 10 }] }));
    await expect(createApiClient({ credentials: { kind: "cookie" }, fetch }).exerciseCatalogue()).rejects.toThrow(/GET \/v1\/exercises\?detail=true/);
  });

  it("submit POSTs the source as JSON and returns the id", async () => {
    const { fetch, requests } = fakeFetch(() => json(202, { id: uuid, status: "queued" }));
    const accepted = await createApiClient({ credentials: { kind: "cookie" }, fetch }).submit({ source: "export {}" });
    expect(accepted.id).toBe(uuid);
    expect(requests[0]).toMatchObject({ url: "/v1/submissions", method: "POST", body: JSON.stringify({ source: "export {}" }) });
    expect(requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it.each([
    ["student filter and cursor", { student: "alice", cursor: "abc" }, "/v1/submissions?student=alice&cursor=abc"],
    ["no filter", {}, "/v1/submissions"],
    ["a name needing escapes", { student: "a b&c" }, "/v1/submissions?student=a+b%26c"],
  ])("listSubmissions with %s", async (_name, query, url) => {
    const { fetch, requests } = fakeFetch(() => json(200, { items: [], nextCursor: null }));
    const page = await createApiClient({ credentials: { kind: "cookie" }, fetch }).listSubmissions(query);
    expect(requests[0]?.url).toBe(url);
    expect(page.items).toEqual([]);
  });

  it("a student report without timings parses (students never get timings)", async () => {
    const report = {
      score: 10, maxScore: 10, diagnostics: [],
      exercises: [{ id: "zero_pad", title: "Zero padding", score: 10, maxScore: 10, status: "passed", cases: [{ name: "x=[4,3,3,2] pad=2", visible: true, outcome: "passed", message: "passed" }] }],
    };
    const { fetch } = fakeFetch(() => json(200, { id: uuid, status: "graded", student: "alice", report }));
    const submission = await createApiClient({ credentials: { kind: "cookie" }, fetch }).getSubmission(uuid);
    expect(submission.report?.score).toBe(10);
    expect(submission.report?.timings).toBeUndefined();
  });

  it("an error body becomes an ApiError with status, code and message", async () => {
    const { fetch } = fakeFetch(() => json(413, { error: "payload_too_large", message: "source exceeds 262144 bytes" }));
    const error = await createApiClient({ credentials: { kind: "cookie" }, fetch }).submit({ source: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 413, code: "payload_too_large", message: "source exceeds 262144 bytes" });
  });

  it("a non-JSON error still names the status", async () => {
    const { fetch } = fakeFetch(() => new Response("", { status: 502, statusText: "Bad Gateway" }));
    const error = await createApiClient({ credentials: { kind: "cookie" }, fetch }).me().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "http_502", message: "Bad Gateway" });
  });

  it("a 200 whose body does not fit the expected shape is an infrastructure error naming the route", async () => {
    const { fetch } = fakeFetch(() => json(200, { id: uuid, status: "exploded" }));
    await expect(createApiClient({ credentials: { kind: "cookie" }, fetch }).getSubmission(uuid)).rejects.toThrow(/GET \/v1\/submissions\/.*status/s);
  });

  it.each([
    ["canvas", "/v1/gradebook?format=csv&layout=canvas"],
    ["moodle", "/v1/gradebook?format=csv&layout=moodle"],
  ] as const)("gradebookCsv(%s) asks for that layout as CSV and keeps the server's file name", async (layout, url) => {
    const { fetch, requests } = fakeFetch(() => new Response("Username,zero_pad\nalice,10\n", { status: 200, headers: { "content-type": "text/csv", "content-disposition": 'attachment; filename="gradebook-2026.csv"' } }));
    const file = await createApiClient({ credentials: { kind: "cookie" }, fetch }).gradebookCsv(layout);
    expect(requests[0]?.url).toBe(url);
    expect(requests[0]?.headers.accept).toBe("text/csv");
    expect(file).toEqual({ filename: "gradebook-2026.csv", csv: "Username,zero_pad\nalice,10\n" });
  });

  it("similarityFile asks for the report in its format and keeps the server's file name; a 202 (still computing) is an error saying so", async () => {
    let status = 200;
    const { fetch, requests } = fakeFetch(() => new Response("<!doctype html>", { status, headers: { "content-type": "text/html; charset=utf-8", "content-disposition": 'attachment; filename="similarity-cnn-hw.html"' } }));
    const api = createApiClient({ credentials: { kind: "cookie" }, fetch });
    expect(await api.similarityFile("cnn", "hw", "html")).toEqual({ filename: "similarity-cnn-hw.html", text: "<!doctype html>", type: "text/html; charset=utf-8" });
    expect(requests[0]?.url).toBe("/v1/similarity?course=cnn&assignment=hw&format=html");
    expect(requests[0]?.headers.accept).toBe("text/html");
    status = 202;
    await expect(api.similarityFile("cnn", "hw", "html")).rejects.toMatchObject({ status: 202, code: "computing" });
  });

  it("bulkRegrade posts its filter to /v1/regrade and returns how many were queued", async () => {
    const { fetch, requests } = fakeFetch(() => json(202, { queued: 3 }));
    await expect(createApiClient({ credentials: { kind: "cookie" }, fetch }).bulkRegrade({ student: "alice", course: "cnn" })).resolves.toEqual({ queued: 3 });
    expect(requests[0]).toMatchObject({ url: "/v1/regrade", method: "POST", body: JSON.stringify({ student: "alice", course: "cnn" }) });
  });

  it("gradebook accepts exercises as ids or as objects with an id", async () => {
    const { fetch } = fakeFetch(() => json(200, { exercises: [{ id: "zero_pad", title: "Zero padding", maxScore: 10 }, "distribute_value"], maxTotal: 15, students: [{ student: "alice", scores: { zero_pad: 10, distribute_value: null }, total: 10 }] }));
    const book = await createApiClient({ credentials: { kind: "cookie" }, fetch }).gradebook();
    expect(book.exercises).toEqual(["zero_pad", "distribute_value"]);
    expect(book.students[0]?.scores.distribute_value).toBeNull();
  });

  it("ltiPublications asks for one student's newest publications and parses their states", async () => {
    const publication = { id: "p1", submissionId: uuid, lineItemUrl: "https://lms.example/li/1", scoreGiven: 5, scoreMaximum: 5, state: "failed", attempts: 3, statusCode: 503, error: "score endpoint answered 503", createdAt: "2026-11-25T10:00:00.000Z" };
    const { fetch, requests } = fakeFetch(() => json(200, { publications: [publication] }));
    const result = await createApiClient({ credentials: { kind: "cookie" }, fetch }).ltiPublications("lti-0123abcd");
    expect(requests[0]?.url).toBe("/v1/lti/publications?student=lti-0123abcd&limit=20");
    expect(result.publications[0]).toMatchObject({ state: "failed", statusCode: 503, attempts: 3 });
  });

  it("ltiUsers keeps a user without a name or email (nulls)", async () => {
    const { fetch } = fakeFetch(() => json(200, { users: [{ student: "lti-1", name: null, email: null, userKey: "k" }] }));
    const result = await createApiClient({ credentials: { kind: "cookie" }, fetch }).ltiUsers();
    expect(result.users).toEqual([{ student: "lti-1", name: null, email: null }]);
  });
});

describe("the course routes", () => {
  const assignmentBody = { course: "cnn", id: "hw 1", title: "HW 1", exercises: ["zero_pad"], dueAt: "2026-12-10T23:59:00.000Z", lateUntil: null, latePenalty: null, maxAttempts: 2, hiddenResults: "after_due", attempts: { used: 1, max: 2, nextAllowedAt: null }, resultsReleaseAt: "2026-12-10T23:59:00.000Z" };

  it("reads a student's assignment with its attempts, escaping the ids in the path", async () => {
    const { fetch, requests } = fakeFetch(() => json(200, assignmentBody));
    const read = await createApiClient({ credentials: { kind: "cookie" }, fetch }).assignment("cnn", "hw 1");
    expect(requests[0]).toMatchObject({ method: "GET", url: "/v1/courses/cnn/assignments/hw%201" });
    expect(read.attempts).toEqual({ used: 1, max: 2, nextAllowedAt: null });
  });

  it("grants and revokes an extension on the student's path", async () => {
    const granted = { student: "alice", dueAt: "2026-12-12T00:00:00.000Z", lateUntil: null, grantedBy: "prof", grantedAt: "2026-12-03T00:00:00.000Z" };
    const { fetch, requests } = fakeFetch((r) => (r.method === "PUT" ? json(200, granted) : new Response(null, { status: 204 })));
    const api = createApiClient({ credentials: { kind: "cookie" }, fetch });
    await expect(api.grantExtension("cnn", "hw1", "alice", { dueAt: granted.dueAt })).resolves.toEqual(granted);
    await api.revokeExtension("cnn", "hw1", "alice");
    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual(["PUT /v1/courses/cnn/assignments/hw1/extensions/alice", "DELETE /v1/courses/cnn/assignments/hw1/extensions/alice"]);
    expect(JSON.parse(requests[0]!.body!)).toEqual({ dueAt: granted.dueAt });
  });

  it("filters submissions by course and assignment, and submits to them", async () => {
    const { fetch, requests } = fakeFetch((r) => (r.method === "POST" ? json(202, { id: "s1", status: "queued" }) : json(200, { items: [{ id: "s1", status: "graded", score: 9, rawScore: 10, late: { minutes: 31, penaltyPercent: 10 } }] })));
    const api = createApiClient({ credentials: { kind: "cookie" }, fetch });
    const page = await api.listSubmissions({ course: "cnn", assignment: "hw1" });
    expect(page.items[0]).toMatchObject({ score: 9, rawScore: 10, late: { minutes: 31, penaltyPercent: 10 } });
    await api.submit({ source: "x", course: "cnn", assignment: "hw1", exercises: ["zero_pad"] });
    expect(requests[0]!.url).toBe("/v1/submissions?course=cnn&assignment=hw1");
    expect(JSON.parse(requests[1]!.body!)).toEqual({ source: "x", course: "cnn", assignment: "hw1", exercises: ["zero_pad"] });
  });
});

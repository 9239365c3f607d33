import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises, getExercise, starterModule } from "../exercises/index.ts";
import { client, KEYS, useServer, WEBHOOK_SECRET } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

const served = useServer("sqlite");
const anon = served.client(null);
const staff = served.client(KEYS.staff);
const alice = served.client(KEYS.alice);
const bob = served.client(KEYS.bob);

const gradeDistribute = { source: distributeSolution, exercises: ["distribute_value"] };

describe("GET /v1/me", () => {
  it.each([
    ["staff key", KEYS.staff, { role: "staff", name: "prof", origin: "api_key" }],
    ["alice's student key", KEYS.alice, { role: "student", name: "alice", origin: "api_key" }],
    ["bob's student key", KEYS.bob, { role: "student", name: "bob", origin: "api_key" }],
  ])("%s -> its role, name and how it signed in", async (_label, key, expected) => {
    const r = await client(served.url, key).get("/v1/me");
    expect(r.status).toBe(200);
    expect(r.json).toEqual(expected);
  });

  it.each([
    ["no key", null],
    ["an unknown key", "not-a-real-key-at-all"],
  ])("401 with %s", async (_label, key) => {
    const r = await client(served.url, key).get("/v1/me");
    expect(r.status).toBe(401);
    expect(r.json.error).toBe("unauthorized");
  });
});

describe("the web page served by the service", () => {
  it("GET / is the page, unframeable, and its script is served same-origin", async () => {
    const page = await anon.get("/");
    expect(page.status).toBe(200);
    expect(page.headers.get("content-type")).toMatch(/^text\/html/);
    expect(page.text).toContain('content="autograde-web"');
    expect(page.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    const script = /<script type="module" src="(\/assets\/[^"]+\.js)"/.exec(page.text)?.[1];
    expect(script, "the page references its script").toBeDefined();
    const asset = await anon.get(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
  });

  it("the OpenAPI document lists /v1/me and the new query parameters but not the page", async () => {
    const openapi = (await anon.get("/openapi.json")).json;
    const paths = Object.keys(openapi.paths);
    expect(paths).toContain("/v1/me");
    expect(paths.filter((p) => p === "/" || p.startsWith("/assets"))).toEqual([]);
    const me = openapi.paths["/v1/me"].get.responses["200"].content["application/json"].schema;
    expect(Object.keys(me.properties).sort()).toEqual(["name", "origin", "role"]);
    const queryNames = (path: string) => (openapi.paths[path].get.parameters as { in: string; name: string }[]).filter((p) => p.in === "query").map((p) => p.name);
    expect(queryNames("/v1/gradebook")).toEqual(expect.arrayContaining(["format", "layout"]));
    expect(queryNames("/v1/exercises")).toContain("detail");
  });
});

describe("GET /v1/exercises?detail=true", () => {
  it("gives every exercise as GET /v1/exercises/{id} does, in course order, and the catalogue's starter module", async () => {
    const r = await alice.get("/v1/exercises?detail=true");
    expect(r.status).toBe(200);
    expect(r.json.exercises.map((e: { id: string }) => e.id)).toEqual([...EXERCISE_IDS]);
    expect(r.json.starterModule).toBe(starterModule());
    for (const exercise of r.json.exercises) {
      expect(exercise, exercise.id).toEqual((await alice.get(`/v1/exercises/${exercise.id}`)).json);
    }
    for (const exercise of exercises) {
      expect(r.text, `${exercise.id}'s model solution`).not.toContain(JSON.stringify(exercise.solution.trim()).slice(1, -1));
    }
  });

  it.each([
    ["no detail", ""],
    ["detail=false", "?detail=false"],
  ])("%s -> summaries only, no starter module", async (_label, query) => {
    const r = await alice.get(`/v1/exercises${query}`);
    expect(r.status).toBe(200);
    expect(r.json).not.toHaveProperty("starterModule");
    expect(r.json.exercises).toEqual(EXERCISE_IDS.map((id) => ({ id, title: getExercise(id).title, points: getExercise(id).points })));
  });

  it("detail=yes -> 400 naming the parameter", async () => {
    const r = await alice.get("/v1/exercises?detail=yes");
    expect(r.status).toBe(400);
    expect(r.json.message).toMatch(/detail: detail must be true or false/);
  });
});

describe("GET /v1/gradebook?format=csv&layout=…", () => {
  let aliceDistribute: number;
  beforeAll(async () => {
    const graded = await alice.post("/v1/submissions?wait=true", gradeDistribute);
    expect(graded.status).toBe(200);
    aliceDistribute = graded.json.score;
  });

  const csvLines = (text: string) => text.trimEnd().split("\r\n");
  const aliceScores = () => EXERCISE_IDS.map((id) => (id === "distribute_value" ? String(aliceDistribute) : ""));

  it("layout=canvas: Canvas's five identity columns, one column per exercise with its points, and a total", async () => {
    const r = await staff.get("/v1/gradebook?format=csv&layout=canvas");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="autograde-gradebook-canvas.csv"');
    const [header, ...rows] = csvLines(r.text);
    const maxTotal = exercises.reduce((sum, e) => sum + e.points, 0);
    expect(header).toBe(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", ...exercises.map((e) => `${e.id} (${e.points})`), `autograde total (${maxTotal})`].join(","));
    expect(rows).toContain(["alice", "", "", "alice", "", ...aliceScores(), String(aliceDistribute)].join(","));
  });

  it("the default layout is canvas, with format=csv or Accept: text/csv", async () => {
    const canvas = (await staff.get("/v1/gradebook?format=csv&layout=canvas")).text;
    expect((await staff.get("/v1/gradebook?format=csv")).text).toBe(canvas);
    expect((await staff.get("/v1/gradebook", { accept: "text/csv" })).text).toBe(canvas);
  });

  it("layout=moodle: a Username column and one column per exercise, no total", async () => {
    const r = await staff.get("/v1/gradebook?format=csv&layout=moodle");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^text\/csv/);
    expect(r.headers.get("content-disposition")).toBe('attachment; filename="autograde-gradebook-moodle.csv"');
    const [header, ...rows] = csvLines(r.text);
    expect(header).toBe(["Username", ...EXERCISE_IDS].join(","));
    expect(rows).toContain(["alice", ...aliceScores()].join(","));
    expect(rows.every((row) => row.split(",").length === EXERCISE_IDS.length + 1)).toBe(true);
    expect((await staff.get("/v1/gradebook?layout=moodle", { accept: "text/csv" })).text).toBe(r.text);
  });

  it.each([
    ["an unknown layout", "?format=csv&layout=blackboard", /layout: layout must be one of canvas, moodle/],
    ["a layout for the JSON gradebook", "?layout=moodle", /layout: applies to the CSV gradebook only/],
    ["a layout with format=json", "?format=json&layout=canvas", /layout: applies to the CSV gradebook only/],
    ["an unknown format", "?format=xlsx", /format: format must be json or csv/],
  ])("%s -> 400 naming the parameter", async (_label, query, message) => {
    const r = await staff.get(`/v1/gradebook${query}`);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("validation_error");
    expect(r.json.message).toMatch(message);
  });

  it("students may not download it in any layout", async () => {
    expect((await alice.get("/v1/gradebook?format=csv&layout=moodle")).status).toBe(403);
  });
});

describe("webhook callbacks are for staff keys only", () => {
  it("a student's JSON submission with callbackUrl -> 403 naming the field, and nothing is stored", async () => {
    const before = (await bob.get("/v1/submissions")).json.items.length;
    const r = await bob.post("/v1/submissions", { ...gradeDistribute, callbackUrl: "http://127.0.0.1:9/internal-admin" });
    expect(r.status).toBe(403);
    expect(r.json).toEqual({ error: "forbidden", message: expect.stringMatching(/^callbackUrl: only staff keys/), details: { field: "callbackUrl" } });
    expect((await bob.get("/v1/submissions")).json.items.length).toBe(before);
  });

  it("a student's multipart upload with a callbackUrl field -> 403 too", async () => {
    const form = new FormData();
    form.append("source", new Blob([distributeSolution]), "solution.ts");
    form.append("callbackUrl", "http://169.254.169.254/latest/meta-data/");
    const response = await bob.raw("/v1/submissions", { method: "POST", body: form });
    expect(response.status).toBe(403);
    expect(((await response.json()) as { message: string }).message).toMatch(/callbackUrl/);
  });

  it("a student's malformed callbackUrl is still a 400 validation error, not a 403", async () => {
    const r = await bob.post("/v1/submissions", { source: "x", callbackUrl: "file:///etc/passwd" });
    expect(r.status).toBe(400);
    expect(r.json.error).toBe("validation_error");
  });

  it("a staff submission with callbackUrl is graded and POSTed, signed, with the student-visible view", async () => {
    const received: { body: string; signature: string }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push({ body, signature: String(req.headers["x-autograde-signature"]) });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/grades`;
    try {
      const submitted = await staff.post("/v1/submissions", { ...gradeDistribute, callbackUrl });
      expect(submitted.status).toBe(202);
      await expect.poll(() => received.length, { timeout: 30_000, interval: 100 }).toBe(1);
      const [delivery] = received;
      expect(delivery!.signature).toBe(`sha256=${createHmac("sha256", WEBHOOK_SECRET).update(delivery!.body).digest("hex")}`);
      const payload = JSON.parse(delivery!.body);
      expect(payload).toMatchObject({ event: "submission.graded", submission: { id: submitted.json.id, student: "prof", status: "graded" } });
      expect(payload.submission).not.toHaveProperty("callbackUrl");
      expect(payload.submission.report).not.toHaveProperty("timings");
    } finally {
      receiver.close();
    }
  });
});

describe("GET /v1/submissions/:id/report?format=…", () => {
  let graded: string;
  beforeAll(async () => {
    const r = await alice.post("/v1/submissions?wait=true", gradeDistribute);
    expect(r.status).toBe(200);
    graded = r.json.id;
  });

  it("gradescope: Gradescope's results.json, the student's redacted view for a student key", async () => {
    const r = await alice.get(`/v1/submissions/${graded}/report?format=gradescope`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/json/);
    const cases = getExercise("distribute_value").cases;
    expect(r.json.score).toBe(5);
    expect(r.json.tests).toHaveLength(cases.length);
    const hidden = r.json.tests.filter((t: { visibility: string }) => t.visibility === "after_published");
    expect(hidden).toHaveLength(cases.filter((c) => !c.visible).length);
    expect(JSON.stringify(r.json)).not.toContain("durationMs");
  });

  it("junit for staff: one testcase per case, valid XML head", async () => {
    const r = await staff.get(`/v1/submissions/${graded}/report?format=junit`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toMatch(/^application\/xml/);
    expect(r.text.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(r.text.match(/<testcase /g)).toHaveLength(getExercise("distribute_value").cases.length);
  });

  it("text and json", async () => {
    const text = await alice.get(`/v1/submissions/${graded}/report?format=text`);
    expect(text.headers.get("content-type")).toMatch(/^text\/plain/);
    expect(text.text).toContain("distribute_value");
    const json = await alice.get(`/v1/submissions/${graded}/report`);
    expect(json.json).toMatchObject({ score: 5, maxScore: 5 });
    expect(json.json.timings).toBeUndefined();
  });

  it("400 for an unknown format, 404 for another student's submission, 409 before grading", async () => {
    const bad = await alice.get(`/v1/submissions/${graded}/report?format=pdf`);
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/format/);
    expect((await bob.get(`/v1/submissions/${graded}/report?format=gradescope`)).status).toBe(404);
    // Every case of this one runs into its time limit, so it is still queued or running when asked.
    const looping = "export function distribute_value(dz: number, shape: [number, number]) { for (;;) {} }\n";
    const pending = await alice.post("/v1/submissions", { source: looping, exercises: ["distribute_value"] });
    const early = await alice.get(`/v1/submissions/${pending.json.id}/report?format=gradescope`);
    expect(early.status).toBe(409);
    expect(early.json.error).toBe("not_graded");
  });
});

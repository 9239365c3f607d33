import { describe, expect, it } from "vitest";
import { client, KEYS, STORAGES, useServer } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

const MAX_SOURCE_BYTES = 65_536;
describe.each(STORAGES)("%s storage", (storageKind) => {
  const served = useServer(storageKind, { AUTOGRADE_MAX_SOURCE_BYTES: String(MAX_SOURCE_BYTES) });
  const staff = served.client(KEYS.staff);
  const alice = served.client(KEYS.alice);
  const bob = served.client(KEYS.bob);

  const gradeDistribute = { source: distributeSolution, exercises: ["distribute_value"] };

  describe("service over HTTP: public endpoints", () => {
    it("answers health, readiness, metrics, the OpenAPI document and Swagger UI without a key", async () => {
      const anon = client(served.url, null);
      expect((await anon.get("/healthz")).json).toEqual({ status: "ok" });
      expect((await anon.get("/readyz")).json).toEqual({ status: "ok" });
      const docs = await anon.get("/docs");
      expect(docs.status).toBe(200);
      expect(docs.text).toContain("Swagger UI");

      const openapi = (await anon.get("/openapi.json")).json;
      const paths = Object.keys(openapi.paths);
      for (const path of ["/v1/exercises", "/v1/exercises/{id}", "/v1/submissions", "/v1/submissions/{id}", "/v1/submissions/{id}/regrade",
        "/v1/submissions/{id}/deliveries", "/v1/submissions/{id}/gradings", "/v1/regrade", "/v1/gradebook", "/healthz", "/readyz", "/metrics"]) {
        expect(paths).toContain(path);
      }
      const body = openapi.paths["/v1/submissions"].post.requestBody.content["application/json"].schema;
      expect(body.required).toEqual(["source"]);
      expect(Object.keys(body.properties)).toEqual(["source", "exercises", "callbackUrl", "course", "assignment"]);
    });
  });

  describe("service over HTTP: authentication and ownership", () => {
    it.each([
      ["no Authorization header", null],
      ["an unknown key", "not-a-real-key-at-all"],
    ])("401 with %s", async (_label, key) => {
      const r = await client(served.url, key).get("/v1/exercises");
      expect(r.status).toBe(401);
      expect(r.json.error).toBe("unauthorized");
      expect(r.headers.get("www-authenticate")).toBe("Bearer");
    });

    it("hides one student's submission from another and keeps staff routes for staff", async () => {
      const submitted = await alice.post("/v1/submissions", gradeDistribute);
      expect(submitted.status).toBe(202);
      const id = submitted.json.id;
      expect((await bob.get(`/v1/submissions/${id}`)).status).toBe(404);
      expect((await bob.get(`/v1/submissions/${id}/gradings`)).status).toBe(404);
      expect((await bob.get("/v1/submissions?student=alice")).status).toBe(403);
      expect((await bob.get("/v1/submissions")).json.items.map((s: { id: string }) => s.id)).not.toContain(id);
      expect((await alice.get(`/v1/submissions/${id}`)).status).toBe(200);
      for (const [method, path] of [["GET", "/v1/gradebook"], ["GET", `/v1/submissions/${id}/deliveries`], ["POST", `/v1/submissions/${id}/regrade`]] as const) {
        const r = method === "GET" ? await alice.get(path) : await alice.post(path);
        expect(r.status, `${method} ${path}`).toBe(403);
      }
      await alice.waitGraded(id);
    });
  });

  describe("service over HTTP: exercises", () => {
    it("lists the eight exercises and shows visible cases but never hidden inputs or solutions", async () => {
      const list = await alice.get("/v1/exercises");
      expect(list.json.exercises.map((e: { id: string }) => e.id)).toEqual([
        "zero_pad", "convolve_window", "conv_forward", "conv_backward", "pool_forward", "create_mask_from_window", "distribute_value", "pool_backward",
      ]);
      const detail = await alice.get("/v1/exercises/distribute_value");
      expect(detail.json).toMatchObject({ id: "distribute_value", points: 5, signature: expect.stringContaining("distribute_value") });
      expect(detail.json.visibleCases).toEqual([{ name: "dz=2 shape=[2,2]", args: [2, [2, 2]], expected: expect.any(String) }]);
      expect(detail.json.hiddenCaseCount).toBeGreaterThanOrEqual(6);
      expect(detail.json).not.toHaveProperty("solution");
      expect(detail.text).not.toContain("fill(");

      const unknown = await alice.get("/v1/exercises/softmax");
      expect(unknown.status).toBe(400);
      expect(unknown.json.message).toMatch(/id: unknown exercise "softmax"/);
    });
  });

  describe("service over HTTP: bad input is a 4xx naming the problem", () => {
    it.each([
      ["malformed JSON", "{\"source\": ", 400, "malformed_json", /not valid JSON/],
      ["source of the wrong type", { source: 42 }, 400, "validation_error", /source: .*expected string/],
      ["missing source", { exercises: ["zero_pad"] }, 400, "validation_error", /source: /],
      ["empty source", { source: "" }, 400, "validation_error", /source: source is empty/],
      ["unknown exercise", { source: "x", exercises: ["softmax"] }, 400, "validation_error", /exercises\[0\]: unknown exercise "softmax"/],
      ["empty exercise list", { source: "x", exercises: [] }, 400, "validation_error", /exercises: /],
      ["misspelt field", { source: "x", exercise: ["zero_pad"] }, 400, "validation_error", /Unrecognized key.*"exercise"/],
      ["callback that is not http(s)", { source: "x", callbackUrl: "file:///etc/passwd" }, 400, "validation_error", /callbackUrl: callbackUrl must be an http\(s\) URL/],
      ["source over the cap", { source: "x".repeat(MAX_SOURCE_BYTES + 1) }, 413, "payload_too_large", /source is 65537 bytes; the limit is 65536 bytes/],
      ["body over the limit", { source: "x", pad: "y".repeat(MAX_SOURCE_BYTES * 3) }, 413, "payload_too_large", /./],
    ] as const)("%s", async (_label, body, status, error, message) => {
      const r = await alice.post("/v1/submissions", body);
      expect(r.status).toBe(status);
      expect(r.json.error).toBe(error);
      expect(r.json.message).toMatch(message);
    });

    it.each([
      ["a submission id that is not a UUID", "/v1/submissions/42", 400, /id: id must be a submission id/],
      ["an unknown submission", "/v1/submissions/00000000-0000-4000-8000-000000000000", 404, /no submission/],
      ["a bad list limit", "/v1/submissions?limit=0", 400, /limit: /],
      ["a bad since", "/v1/submissions?since=yesterday", 400, /since: since must be an ISO 8601 date-time/],
      ["a forged cursor", "/v1/submissions?cursor=abc", 400, /cursor: /],
      ["an unknown route", "/v1/nothing-here", 404, /no route GET \/v1\/nothing-here/],
    ])("GET with %s", async (_label, path, status, message) => {
      const r = await staff.get(path);
      expect(r.status).toBe(status);
      expect(r.json.message).toMatch(message);
    });

    it("a multipart upload that is not a .ts file, or too large, is refused", async () => {
      const form = new FormData();
      form.append("source", new Blob(["export {}"]), "notes.txt");
      const wrongType = await alice.raw("/v1/submissions", { method: "POST", body: form });
      expect(wrongType.status).toBe(400);
      expect(((await wrongType.json()) as { message: string }).message).toMatch(/upload a \.ts file/);

      const big = new FormData();
      big.append("source", new Blob(["x".repeat(MAX_SOURCE_BYTES + 10)]), "big.ts");
      const tooBig = await alice.raw("/v1/submissions", { method: "POST", body: big });
      expect(tooBig.status).toBe(413);
      expect(((await tooBig.json()) as { error: string }).error).toBe("payload_too_large");
    });
  });
});

import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { client, KEYS, STORAGES, useServer, WEBHOOK_SECRET } from "./helpers/server.ts";
import { distributeSolution, LEAK_MARKER, leakySource } from "./helpers/server-sources.ts";

describe.each(STORAGES)("%s storage", (storageKind) => {
  const served = useServer(storageKind);
  const staff = served.client(KEYS.staff);
  const alice = served.client(KEYS.alice);
  const bob = served.client(KEYS.bob);

  const gradeDistribute = { source: distributeSolution, exercises: ["distribute_value"] };

  describe("service over HTTP: grading", () => {
    it("?wait=true answers 200 with the graded report of the model solution", async () => {
      const r = await alice.post("/v1/submissions?wait=true", gradeDistribute);
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ status: "graded", student: "alice", score: 5, maxScore: 5, attempt: 1 });
      expect(r.json.report.exercises.map((e: { id: string; status: string }) => [e.id, e.status])).toEqual([["distribute_value", "passed"]]);
    });

    it("accepts a multipart .ts upload and grades it", async () => {
      const form = new FormData();
      form.append("source", new Blob([distributeSolution]), "solution.ts");
      form.append("exercises", "distribute_value");
      const response = await alice.raw("/v1/submissions", { method: "POST", body: form });
      expect(response.status).toBe(202);
      const accepted = (await response.json()) as { id: string; status: string };
      expect(accepted.status).toBe("queued");
      expect(await alice.waitGraded(accepted.id)).toMatchObject({ status: "graded", score: 5, exercises: ["distribute_value"] });
    });

    it("students see hidden cases by name and outcome only; staff see everything", async () => {
      const r = await alice.post("/v1/submissions?wait=true", { source: leakySource, exercises: ["distribute_value"] });
      expect(r.status).toBe(200);
      const studentCases = r.json.report.exercises[0].cases as { visible: boolean; message: string; outcome: string }[];
      const hidden = studentCases.filter((c) => !c.visible);
      expect(hidden.length).toBeGreaterThanOrEqual(6);
      for (const c of hidden) {
        expect(Object.keys(c).sort()).toEqual(["message", "name", "outcome", "visible"]);
        expect(c.outcome).toBe("error");
        expect(c.message).not.toContain(LEAK_MARKER);
      }
      expect(r.json.report).not.toHaveProperty("timings");
      expect(JSON.stringify(r.json.report)).not.toContain("durationMs");

      const full = await staff.get(`/v1/submissions/${r.json.id}`);
      const staffHidden = full.json.report.exercises[0].cases.filter((c: { visible: boolean }) => !c.visible);
      expect(staffHidden.every((c: { message: string }) => c.message.includes(LEAK_MARKER))).toBe(true);
      expect(full.json.report.timings.totalMs).toBeGreaterThan(0);

      const history = await alice.get(`/v1/submissions/${r.json.id}/gradings`);
      const historyCases = history.json.gradings[0].report.exercises[0].cases as { visible: boolean; message: string }[];
      expect(historyCases.filter((c) => !c.visible).map((c) => c.message).join()).not.toContain(LEAK_MARKER);
    });

    it("a student sees the diagnosed mistake on hidden cases too, with the catalogue version, and no values", async () => {
      const source = distributeSolution.replace("const average = dz / (n_H * n_W);", "const average = dz * (n_H * n_W);");
      expect(source).not.toBe(distributeSolution);
      const r = await alice.post("/v1/submissions?wait=true", { source, exercises: ["distribute_value"] });
      expect(r.status).toBe(200);
      const exercise = r.json.report.exercises[0];
      expect(exercise.mistake).toMatchObject({ id: "distribute_value/multiplies_by_size", hint: expect.any(String) });
      const hidden = (exercise.cases as { visible: boolean; outcome: string; mistake?: { id: string } }[]).filter((c) => !c.visible && c.outcome === "wrong");
      expect(hidden.length).toBeGreaterThan(0);
      expect(hidden.every((c) => c.mistake?.id === "distribute_value/multiplies_by_size")).toBe(true);
      expect(r.json.report.catalogueVersion).toMatch(/^[0-9a-f]{12}$/);
    });

    it("replays the same Idempotency-Key and body, and refuses a different body under it", async () => {
      const key = { "idempotency-key": "lms-attempt-17" };
      const first = await alice.post("/v1/submissions", gradeDistribute, key);
      const again = await alice.post("/v1/submissions", gradeDistribute, key);
      expect(first.status).toBe(202);
      expect(again.status).toBe(202);
      expect(again.json.id).toBe(first.json.id);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      const conflict = await alice.post("/v1/submissions", { ...gradeDistribute, source: `${distributeSolution}\n// v2` }, key);
      expect(conflict.status).toBe(409);
      expect(conflict.json).toMatchObject({ error: "idempotency_conflict", details: { submissionId: first.json.id } });
      // Keys belong to their holder: bob may use the same one.
      expect((await bob.post("/v1/submissions", gradeDistribute, key)).json.id).not.toBe(first.json.id);
      await alice.waitGraded(first.json.id);
    });

    it("lists submissions newest first with filters and pages", async () => {
      const start = new Date(Date.now() - 1000).toISOString();
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) ids.push((await bob.post("/v1/submissions", { source: `${distributeSolution}\n// ${i}`, exercises: ["distribute_value"] })).json.id);
      const page1 = await staff.get(`/v1/submissions?student=bob&since=${encodeURIComponent(start)}&limit=2`);
      expect(page1.json.items.map((s: { id: string }) => s.id)).toEqual([ids[2], ids[1]]);
      const page2 = await staff.get(`/v1/submissions?student=bob&since=${encodeURIComponent(start)}&limit=2&cursor=${page1.json.nextCursor}`);
      expect(page2.json.items.map((s: { id: string }) => s.id)).toContain(ids[0]);
      expect((await staff.get("/v1/submissions?exercise=conv_forward")).json.items).toEqual([]);
      expect((await bob.get("/v1/submissions")).json.items.every((s: { student: string }) => s.student === "bob")).toBe(true);
      for (const id of ids) await bob.waitGraded(id);
    });

    it("regrades one submission and in bulk, keeping every attempt in the history", async () => {
      const r = await alice.post("/v1/submissions?wait=true", gradeDistribute);
      const id = r.json.id;
      const regrade = await staff.post(`/v1/submissions/${id}/regrade`);
      expect(regrade.status).toBe(202);
      expect(regrade.json).toMatchObject({ id, attempt: 2 });
      await staff.waitGraded(id);
      await waitForAttempt(id, 2);
      const bulk = await staff.post("/v1/regrade", { exercise: "distribute_value", student: "alice" });
      expect(bulk.status).toBe(202);
      expect(bulk.json.queued).toBeGreaterThanOrEqual(1);
      await waitForAttempt(id, 3);
      const history = await staff.get(`/v1/submissions/${id}/gradings`);
      expect(history.json.gradings.map((g: { attempt: number; score: number }) => [g.attempt, g.score])).toEqual([[1, 5], [2, 5], [3, 5]]);
      expect((await staff.post("/v1/regrade", { exercise: "softmax" })).status).toBe(400);
    });

    it("the gradebook has the best score per student per exercise, as JSON and as LMS-ready CSV", async () => {
      await alice.post("/v1/submissions?wait=true", gradeDistribute);
      const book = (await staff.get("/v1/gradebook")).json;
      expect(book.maxTotal).toBe(100);
      const row = book.students.find((s: { student: string }) => s.student === "alice");
      expect(row.scores).toMatchObject({ distribute_value: 5, zero_pad: null });
      expect(row.total).toBe(5);

      const csv = await staff.get("/v1/gradebook?format=csv");
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      const lines = csv.text.trimEnd().split("\r\n");
      expect(lines[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,zero_pad (10),convolve_window (10),conv_forward (20),conv_backward (15),pool_forward (15),create_mask_from_window (10),distribute_value (5),pool_backward (15),autograde total (100)");
      expect(lines).toContain("alice,,,alice,,,,,,,,5,,5");
      const viaAccept = await staff.get("/v1/gradebook", { accept: "text/csv" });
      expect(viaAccept.text).toBe(csv.text);
    });
  });

  async function waitForAttempt(id: string, attempt: number): Promise<void> {
    for (let i = 0; i < 300; i++) {
      const history = await staff.get(`/v1/submissions/${id}/gradings`);
      if (history.json.gradings.some((g: { attempt: number }) => g.attempt === attempt)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`attempt ${attempt} of ${id} never finished`);
  }

  describe("service over HTTP: webhooks", () => {
    it("POSTs the signed result, retries after a 500, and shows deliveries to staff", async () => {
      const statuses = [500, 204];
      const received: { body: string; signature: string }[] = [];
      const receiver = createServer((req: IncomingMessage, res) => {
        let body = "";
        req.on("data", (c: Buffer) => (body += c.toString()));
        req.on("end", () => {
          received.push({ body, signature: String(req.headers["x-autograde-signature"]) });
          res.statusCode = statuses.shift() ?? 500;
          res.end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/grades`;
      try {
        const submitted = await staff.post("/v1/submissions", { ...gradeDistribute, callbackUrl });
        const id = submitted.json.id;
        for (let i = 0; i < 200 && received.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
        expect(received).toHaveLength(2);
        for (const r of received) {
          expect(r.signature).toBe(`sha256=${createHmac("sha256", WEBHOOK_SECRET).update(r.body).digest("hex")}`);
        }
        const payload = JSON.parse(received[1]!.body);
        expect(payload).toMatchObject({ event: "submission.graded", submission: { id, status: "graded", score: 5 } });

        let deliveries: { attempt: number; statusCode: number }[] = [];
        for (let i = 0; i < 50 && deliveries.length < 2; i++) {
          deliveries = (await staff.get(`/v1/submissions/${id}/deliveries`)).json.deliveries;
          if (deliveries.length < 2) await new Promise((r) => setTimeout(r, 100));
        }
        expect(deliveries.map((d) => [d.attempt, d.statusCode])).toEqual([[1, 500], [2, 204]]);
      } finally {
        receiver.close();
      }
    });
  });

  describe("service over HTTP: logs and metrics", () => {
    it("never logs source code, tags submission log lines with the id, and exports the named series", async () => {
      const marker = "UNIQUE_SOURCE_MARKER_5150";
      const r = await alice.post("/v1/submissions?wait=true", { source: `${distributeSolution}\n// ${marker}`, exercises: ["distribute_value"] });
      expect(r.status).toBe(200);
      const about = () => served.server.logs.filter((line) => line.includes(r.json.id)).map((line) => JSON.parse(line) as { msg: string; requestId?: string });
      // The reply can overtake the server's stdout through the pipe.
      await expect.poll(() => about().map((l) => l.msg), { timeout: 5000 }).toEqual(
        expect.arrayContaining(["submission stored", "grading started", "grading stored"]),
      );
      expect(about().find((l) => l.msg === "submission stored")?.requestId).toEqual(expect.any(String));
      expect(served.server.logs.join("\n")).not.toContain(marker);

      const metrics = (await client(served.url, null).get("/metrics")).text;
      expect(metrics).toMatch(/^autograde_submissions_total\{outcome="passed"\} [1-9]/m);
      expect(metrics).toMatch(/^autograde_grading_duration_seconds_count [1-9]/m);
      expect(metrics).toMatch(/^autograde_queue_depth\{state="queued"\} \d+/m);
      expect(metrics).toMatch(/^autograde_worker_restarts_total \d+/m);
    });
  });
});

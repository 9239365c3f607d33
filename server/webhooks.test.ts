import { createServer, type IncomingMessage } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, describe, expect, it } from "vitest";
import { createMetrics } from "./metrics.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";
import { createWebhookSender, signBody, SIGNATURE_HEADER } from "./webhooks.ts";

const dir = mkdtempSync(join(tmpdir(), "autograde-webhooks-"));
const storage = openSqliteStorage({ file: join(dir, "w.sqlite") });
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => resolve(body));
  });
}

describe("webhook sender", () => {
  it("signs the raw body, retries a 500, stops at a 4xx, and records every attempt", async () => {
    const statuses = [500, 200, 404];
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = createServer((req, res) => {
      void readBody(req).then((body) => {
        received.push({ body, signature: req.headers[SIGNATURE_HEADER] as string | undefined });
        res.statusCode = statuses.shift() ?? 500;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;

    const created = await storage.createSubmission(
      { student: "a", submittedBy: "a", source: "s", exercises: null, callbackUrl: url, idempotencyKey: null, requestHash: "h", now: 1 },
      { maxQueueDepth: 10 },
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const id = created.submission.id;
    const metrics = createMetrics({ queueDepth: async () => ({ queued: 0, running: 0 }), workerRestarts: () => 0 });
    const secret = "a-webhook-secret-of-length";
    const sender = createWebhookSender({
      config: { webhookSecret: secret, webhookMaxAttempts: 4, webhookInitialBackoffMs: 5, webhookTimeoutMs: 2000 },
      storage, log: pino({ level: "silent" }), metrics,
    });

    sender.deliver({ submissionId: id, gradingAttempt: 1, url, payload: { hello: "world" } });
    await sender.idle();
    sender.deliver({ submissionId: id, gradingAttempt: 2, url, payload: { hello: "again" } });
    await sender.idle();
    receiver.close();

    expect(received).toHaveLength(3);
    for (const r of received) expect(r.signature).toBe(signBody(secret, r.body));
    expect(JSON.parse(received[0]!.body)).toEqual({ hello: "world" });
    expect((await storage.listDeliveries(id)).map((d) => [d.gradingAttempt, d.attempt, d.statusCode])).toEqual([
      [1, 1, 500],
      [1, 2, 200],
      [2, 1, 404],
    ]);
    expect(await metrics.registry.getSingleMetricAsString("autograde_webhook_deliveries_total")).toMatch(/result="retry"\} 1/);
  });

  it("records network errors and gives up after the last attempt", async () => {
    const created = await storage.createSubmission(
      { student: "b", submittedBy: "b", source: "s", exercises: null, callbackUrl: "http://127.0.0.1:9/x", idempotencyKey: null, requestHash: "h", now: 1 },
      { maxQueueDepth: 10 },
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const metrics = createMetrics({ queueDepth: async () => ({ queued: 0, running: 0 }), workerRestarts: () => 0 });
    const sender = createWebhookSender({
      config: { webhookSecret: "a-webhook-secret-of-length", webhookMaxAttempts: 2, webhookInitialBackoffMs: 5, webhookTimeoutMs: 2000 },
      storage, log: pino({ level: "silent" }), metrics,
    });
    sender.deliver({ submissionId: created.submission.id, gradingAttempt: 1, url: "http://127.0.0.1:9/x", payload: {} });
    await sender.idle();
    const deliveries = await storage.listDeliveries(created.submission.id);
    expect(deliveries.map((d) => [d.attempt, d.statusCode])).toEqual([[1, null], [2, null]]);
    expect(deliveries[0]?.error).toMatch(/fetch failed|ECONNREFUSED/);
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { exercises } from "../exercises/index.ts";
import type { Grader } from "../grader/index.ts";
import type { Report } from "../grader/report.ts";
import { loadServerConfig } from "./config.ts";
import { databaseFile, openStorage, startService } from "./service.ts";

const log = pino({ level: "silent" });
const report: Report = {
  score: 10,
  maxScore: 10,
  exercises: [{ id: "zero_pad", title: "zero_pad", score: 10, maxScore: 10, status: "passed", cases: [] }],
} as unknown as Report;

let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "autograde-service-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

function config(dir: string, port: number) {
  return loadServerConfig({ PORT: String(port), AUTOGRADE_DATA_DIR: dir, AUTOGRADE_WEBHOOK_SECRET: "a-webhook-secret-of-16+", AUTOGRADE_QUEUE_POLL_INTERVAL_MS: "20" });
}

const grading = (grades: string[]) => ({
  grader: { grade: async ({ source }: { source: string }) => (grades.push(source), report) } as Grader,
  closeGrader: async () => {},
  workerRestarts: () => 0,
});

describe("the service assembly", () => {
  it("on restart, resends only the webhook of a grading that is still its submission's latest", async () => {
    const dir = dataDir();
    const deliveries: string[] = [];
    const receiver = createServer((req, res) => {
      deliveries.push(String(req.headers["x-autograde-delivery"]));
      res.end();
    });
    const receiverPort = await listen(receiver);

    // A submission graded twice, both webhooks left pending by a process that stopped.
    const storage = openStorage({ dataDir: dir });
    const created = await storage.createSubmission(
      { student: "alice", submittedBy: "alice", source: "s", exercises: null, callbackUrl: `http://127.0.0.1:${receiverPort}/hook`, idempotencyKey: null, requestHash: "h", now: Date.now() },
      { maxQueueDepth: 10 },
    );
    if (created.kind !== "created") throw new Error(created.kind);
    const id = created.submission.id;
    for (let attempt = 1; attempt <= 2; attempt++) {
      if (attempt === 2) await storage.enqueueRegrade(id, Date.now());
      const [job] = await storage.claimJobs({ limit: 1, leaseMs: 60_000, now: Date.now() });
      await storage.completeJob(job!, { status: "graded", report }, { startedAt: Date.now(), finishedAt: Date.now() });
    }
    expect((await storage.pendingWebhooks()).map((p) => p.gradingAttempt).sort()).toEqual([1, 2]);
    await storage.close();

    const service = await startService({ config: config(dir, 0), log, exercises, ...grading([]) });
    cleanups.push(() => service.stop());
    for (let i = 0; i < 200 && deliveries.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    // A second delivery, were there one, goes out in the same pass as the first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deliveries).toEqual([`${id}/2`]);
  });

  it("a failed start (the port is taken) closes what it opened and grades nothing", async () => {
    const dir = dataDir();
    const taken = await listen(createServer());
    const storage = openStorage({ dataDir: dir });
    await storage.createSubmission(
      { student: "alice", submittedBy: "alice", source: "queued before the start", exercises: null, callbackUrl: null, idempotencyKey: null, requestHash: "h", now: Date.now() },
      { maxQueueDepth: 10 },
    );
    await storage.close();

    // A grading that ends only when the grader is closed, as the sandbox pool's do.
    const running: ((err: Error) => void)[] = [];
    let closed = 0;
    const deps = {
      grader: { grade: () => new Promise<Report>((_resolve, reject) => running.push(reject)) } as Grader,
      closeGrader: async () => {
        closed++;
        for (const reject of running) reject(new Error("the sandbox pool shut down before the job finished"));
      },
      workerRestarts: () => 0,
    };
    await expect(startService({ config: { ...config(dir, taken), drainGraceMs: 0 }, log, exercises, ...deps })).rejects.toThrow(/EADDRINUSE/);
    expect(closed).toBe(1);
    // Leaving WAL mode needs the only connection: it fails while the service's storage is still open.
    const db = new Database(databaseFile(dir));
    expect(db.pragma("journal_mode = DELETE", { simple: true })).toBe("delete");
    // The job the loop may have claimed went back to the queue, ungraded by this start.
    expect(db.prepare("SELECT COUNT(*) AS n FROM gradings").get()).toEqual({ n: 0 });
    expect(db.prepare("SELECT state FROM jobs").all()).toEqual([{ state: "queued" }]);
    db.close();
  });
});

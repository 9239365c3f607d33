import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solutionModule } from "../exercises/index.ts";
import { createTestDatabase } from "./helpers/pg.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";

/**
 * The scale-out topology on one database: 1 api + 2 worker processes. zero_pad keeps each grading
 * cheap so 300 submissions fit the two cores; one deliberately slow submission gives a worker
 * something to be killed in the middle of.
 */
const SUBMISSIONS = 300;
const correct = solutionModule(["zero_pad"]);
const wrong = "export function zero_pad(X: unknown, pad: number): never { throw new Error(\"not written yet\"); }\n";
// 1 s a call, 7 s for zero_pad's cases: long enough that the test sees "grading started" and kills
// the worker before it stores, even on a loaded machine (at 400 ms a busy machine lost that race).
const slow = correct.replace("const X_pad =", "const until = Date.now() + 1000; while (Date.now() < until) { /* busy */ }\n  const X_pad =");
const sourceFor = (i: number) => (i % 3 === 0 ? wrong : correct);
const scoreFor = (i: number) => (i % 3 === 0 ? 0 : 10);

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const data = tempDataDir();
const processes: ServerProcess[] = [];
let api: ServerProcess;
let workers: ServerProcess[];

beforeAll(async () => {
  database = await createTestDatabase();
  const env = {
    DATABASE_URL: database.url,
    AUTOGRADE_POOL_SIZE: "1",
    AUTOGRADE_GRADING_CONCURRENCY: "1",
    AUTOGRADE_SUBMISSION_DEADLINE_MS: "20000",
    AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: "1000",
    AUTOGRADE_RATE_LIMIT_PER_MINUTE: "100000",
  };
  // Started together: migrations (ours and pg-boss's) must be safe under concurrent start-up.
  const started = await Promise.all([
    startServerProcess(data.dir, { ...env, AUTOGRADE_ROLE: "api" }),
    startServerProcess(data.dir, { ...env, AUTOGRADE_ROLE: "worker" }, { ready: "worker" }),
    startServerProcess(data.dir, { ...env, AUTOGRADE_ROLE: "worker" }, { ready: "worker" }),
  ]);
  processes.push(...started);
  [api, ...workers] = started as [ServerProcess, ServerProcess, ServerProcess];
}, 90_000);

afterAll(async () => {
  await stopProcesses(processes);
  await database?.drop();
  data.remove();
});

const storedLines = (p: ServerProcess, id: string) =>
  p.logs.filter((l) => l.includes(id) && l.includes('"grading stored"')).length;

describe("scale-out: 1 api + 2 workers on PostgreSQL", () => {
  it("the api process starts no sandbox workers (no isolates)", () => {
    const children = execFileSync("ps", ["-o", "args=", "--ppid", String(api.child.pid)], { encoding: "utf8" });
    expect(children).not.toMatch(/no-node-snapshot/);
    for (const worker of workers) {
      expect(execFileSync("ps", ["-o", "args=", "--ppid", String(worker.child.pid)], { encoding: "utf8" })).toMatch(/no-node-snapshot/);
    }
  });

  it("?wait=true on the api answers with the grading a worker stored", async () => {
    const r = await client(api.url, KEYS.alice).post("/v1/submissions?wait=true", { source: correct, exercises: ["zero_pad"] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "graded", score: 10, maxScore: 10 });
  });

  it(`grades ${SUBMISSIONS} submissions exactly once with the right score while a worker is SIGKILLed mid-grading`, async () => {
    const alice = client(api.url, KEYS.alice);
    const staff = client(api.url, KEYS.staff);
    const ids: string[] = [];
    // Kill whichever worker is grading the slow submission, while it is grading it. The watch starts
    // as soon as the slow one is posted: posting the rest can take longer than grading it.
    const killWhileGrading = async (slowId: string) => {
      for (let i = 0; i < 600; i++) {
        const victim = workers.find((w) => w.logs.some((l) => l.includes(slowId) && l.includes('"grading started"')));
        if (victim) {
          await victim.kill9();
          victim.cleanup();
          return victim;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error("no worker started the slow submission");
    };
    let slowId = "";
    let killed: Promise<ServerProcess> | undefined;
    for (let batch = 0; batch < SUBMISSIONS; batch += 20) {
      // Midway, so that both workers are busy when one of them dies.
      if (batch === 140) {
        slowId = (await alice.post("/v1/submissions", { source: slow, exercises: ["zero_pad"] })).json.id as string;
        killed = killWhileGrading(slowId);
        killed.catch(() => {}); // awaited below; this only keeps an early failure from going unhandled meanwhile
      }
      const posted = await Promise.all(
        Array.from({ length: Math.min(20, SUBMISSIONS - batch) }, (_, k) =>
          alice.post("/v1/submissions", { source: sourceFor(batch + k), exercises: ["zero_pad"] })),
      );
      for (const r of posted) {
        expect(r.status).toBe(202);
        ids.push(r.json.id as string);
      }
    }

    const victim = await killed!;
    expect(storedLines(victim, slowId)).toBe(0);
    const survivor = workers.find((w) => w !== victim)!;

    for (const [i, id] of ids.entries()) {
      const done = await staff.waitGraded(id, 120_000);
      expect(done, `submission ${i}`).toMatchObject({ status: "graded", score: scoreFor(i), attempt: 1 });
    }
    expect(await staff.waitGraded(slowId, 120_000)).toMatchObject({ status: "graded", score: 10, attempt: 1 });
    expect(survivor.logs.some((l) => l.includes(slowId) && l.includes("an earlier claim did not finish"))).toBe(true);

    for (const id of [...ids, slowId]) {
      const gradings = (await staff.get(`/v1/submissions/${id}/gradings`)).json.gradings as { attempt: number }[];
      expect(gradings.map((g) => g.attempt), id).toEqual([1]);
      // Stored once across every worker, the killed one included: no duplicate grading.
      expect(workers.reduce((n, w) => n + storedLines(w, id), 0), id).toBe(1);
    }
    const listed = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await staff.get(`/v1/submissions?limit=100${cursor ? `&cursor=${cursor}` : ""}`)).json;
      for (const item of page.items) listed.add(item.id);
      cursor = page.nextCursor;
    } while (cursor);
    expect(listed.size).toBe(SUBMISSIONS + 2);
    for (const worker of workers) expect(worker.logs.filter((l) => l.includes('"grading stored"')).length).toBeGreaterThan(0);
  }, 180_000);
});

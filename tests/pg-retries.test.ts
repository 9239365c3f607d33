import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solutionModule } from "../exercises/index.ts";
import { createTestDatabase } from "./helpers/pg.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";

/**
 * A submission whose grading kills its worker every time must not loop forever: after
 * AUTOGRADE_MAX_JOB_CLAIMS deliveries pg-boss delivers it once more and it is stored as an error.
 */
const MAX_JOB_CLAIMS = 2;
const slow = solutionModule(["zero_pad"]).replace("const X_pad =", "const until = Date.now() + 1500; while (Date.now() < until) { /* busy */ }\n  const X_pad =");

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const data = tempDataDir();
const processes: ServerProcess[] = [];
let env: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  env = {
    DATABASE_URL: database.url,
    AUTOGRADE_MAX_JOB_CLAIMS: String(MAX_JOB_CLAIMS),
    // A pg-boss lease is max(lease, submission deadline + 5 s): 8 s here.
    AUTOGRADE_SUBMISSION_DEADLINE_MS: "3000",
    AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: "1000",
  };
}, 60_000);

afterAll(async () => {
  await stopProcesses(processes);
  await database?.drop();
  data.remove();
});

async function start(role: "api" | "worker"): Promise<ServerProcess> {
  const p = await startServerProcess(data.dir, { ...env, AUTOGRADE_ROLE: role }, role === "worker" ? { ready: "worker" } : {});
  processes.push(p);
  return p;
}

describe("scale-out: bounded tries", () => {
  it(`a submission that kills its worker ${MAX_JOB_CLAIMS} times ends as error with a message`, async () => {
    const api = await start("api");
    const alice = client(api.url, KEYS.alice);
    const id = (await alice.post("/v1/submissions", { source: slow, exercises: ["zero_pad"] })).json.id as string;
    for (let kill = 1; kill <= MAX_JOB_CLAIMS; kill++) {
      const worker = await start("worker");
      await expect.poll(() => worker.logs.some((l) => l.includes(id) && l.includes('"grading started"')), { timeout: 30_000, interval: 50 }).toBe(true);
      expect((await alice.get(`/v1/submissions/${id}`)).json.status).toBe("running");
      await worker.kill9();
      worker.cleanup();
    }
    const last = await start("worker");
    const done = await alice.waitGraded(id, 60_000);
    expect(done).toMatchObject({ status: "error", attempt: 1 });
    expect(done.error).toBe(`grading did not complete after ${MAX_JOB_CLAIMS} tries`);
    expect(last.logs.some((l) => l.includes(id) && l.includes('"grading started"'))).toBe(false);
  }, 120_000);
});

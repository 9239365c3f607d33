import { rmSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { databaseFile } from "../server/service.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

const fast = { source: distributeSolution, exercises: ["distribute_value"] };

const started: ServerProcess[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  await stopProcesses(started.splice(0));
  for (const d of dirs.splice(0)) d.remove();
});

async function start(): Promise<{ server: ServerProcess; file: string }> {
  const data = tempDataDir();
  dirs.push(data);
  const server = await startServerProcess(data.dir, { AUTOGRADE_DRAIN_GRACE_MS: "0" });
  started.push(server);
  return { server, file: databaseFile(data.dir) };
}

describe("the SQLite file under a running service", () => {
  it("locked by another connection (BEGIN EXCLUSIVE): 503 with Retry-After, /healthz answers, /readyz 503; all recover once released", async () => {
    const { server, file } = await start();
    const alice = client(server.url, KEYS.alice);
    const anyone = client(server.url, null);
    const locker = new Database(file);
    try {
      locker.exec("BEGIN EXCLUSIVE");
      const [refused, health] = await Promise.all([alice.post("/v1/submissions", fast), anyone.get("/healthz")]);
      expect(refused.status).toBe(503);
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(refused.json).toEqual({ error: "storage_unavailable", message: expect.stringMatching(/locked by another process/) });
      expect(health.status).toBe(200);
      expect((await anyone.get("/healthz")).json).toEqual({ status: "ok" });
      const ready = await anyone.get("/readyz");
      expect(ready.status).toBe(503);
      expect(ready.json).toEqual({ status: "unavailable", reason: expect.stringMatching(/locked by another process/) });
      // The submission was refused, not half-stored.
      expect((await alice.get("/v1/submissions")).json.items).toEqual([]);
    } finally {
      if (locker.inTransaction) locker.exec("ROLLBACK");
      locker.close();
    }

    expect((await anyone.get("/readyz")).json).toEqual({ status: "ok" });
    const graded = await alice.post("/v1/submissions?wait=true", fast);
    expect(graded.status).toBe(200);
    expect(graded.json).toMatchObject({ status: "graded", score: 5 });
  });

  it("deleted: /readyz says so and writes are refused instead of vanishing at the next start", async () => {
    const { server, file } = await start();
    const alice = client(server.url, KEYS.alice);
    const anyone = client(server.url, null);
    expect((await anyone.get("/readyz")).status).toBe(200);
    for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });

    const ready = await anyone.get("/readyz");
    expect(ready.status).toBe(503);
    expect(ready.json).toEqual({ status: "unavailable", reason: expect.stringContaining(`${file} was deleted`) });
    const refused = await alice.post("/v1/submissions", fast);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).not.toBeNull();
    expect(refused.json).toMatchObject({ error: "storage_unavailable", message: expect.stringMatching(/was deleted/) });
    expect((await anyone.get("/healthz")).status).toBe(200);
  });
});

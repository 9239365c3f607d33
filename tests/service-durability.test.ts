import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { command as keysCommand } from "../cli/commands/keys.ts";
import { client, KEYS, startServerProcess, STORAGES, tempStore, type ServerProcess, type StorageKind, type TempStore } from "./helpers/server.ts";
import { distributeSolution, slowDistributeSource } from "./helpers/server-sources.ts";

const fast = { source: distributeSolution, exercises: ["distribute_value"] };
/** Seven cases at ~700 ms each: several seconds of grading to interrupt. */
const slow = { source: slowDistributeSource(700), exercises: ["distribute_value"] };

const started: ServerProcess[] = [];
const stores: TempStore[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
    s.cleanup();
  }
  for (const d of stores.splice(0)) await d.remove();
});

async function start(store: TempStore, env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await startServerProcess(store.dir, { ...store.env, ...env });
  started.push(server);
  return server;
}

async function newStore(kind: StorageKind): Promise<TempStore> {
  const store = await tempStore(kind);
  stores.push(store);
  return store;
}

/** How each storage's queue logs that a crashed holder's job came back. */
const RECOVERY_LOG: Record<StorageKind, string> = {
  sqlite: "requeued jobs whose lease lapsed",
  postgres: "an earlier claim did not finish",
};

async function waitForStatus(api: ReturnType<typeof client>, id: string, status: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if ((await api.get(`/v1/submissions/${id}`)).json?.status === status) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`submission ${id} never reached ${status}`);
}

async function createKeyWithCli(dataDir: string, name: string): Promise<string> {
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (c: Buffer) => (out += c.toString()));
  const code = await keysCommand.run(["create", "--role", "student", "--name", name], {
    stdout, stderr: new PassThrough(), isTTY: false, env: { AUTOGRADE_DATA_DIR: dataDir },
  });
  expect(code).toBe(0);
  return out.trim();
}

describe.each(STORAGES)("service durability (%s storage)", (storageKind) => {
  it("SIGTERM drains (requeues the grading in progress) and a restart serves stored results and finishes the rest once", async () => {
    const store = await newStore(storageKind);
    const first = await start(store, { AUTOGRADE_DRAIN_GRACE_MS: "300" });
    const alice = client(first.url, KEYS.alice);
    const done = await alice.post("/v1/submissions?wait=true", fast);
    expect(done.json.status).toBe("graded");
    const interrupted = (await alice.post("/v1/submissions", slow)).json.id as string;
    await waitForStatus(alice, interrupted, "running");
    expect(await first.stop()).toBe(0);
    expect(first.logs.some((l) => l.includes("drain: grading unfinished, job requeued") && l.includes(interrupted))).toBe(true);

    // The keys CLI writes the embedded SQLite database only.
    const carolSecret = storageKind === "sqlite" ? await createKeyWithCli(store.dir, "carol") : null;
    const second = await start(store);
    const alice2 = client(second.url, KEYS.alice);
    const restored = (await alice2.get(`/v1/submissions/${done.json.id}`)).json;
    expect(restored.report).toEqual(done.json.report);
    expect(await alice2.waitGraded(interrupted)).toMatchObject({ status: "graded", score: 5, attempt: 1 });
    expect((await alice2.get(`/v1/submissions/${interrupted}/gradings`)).json.gradings).toHaveLength(1);
    // A key created with the CLI against the same data directory works on the running service.
    if (carolSecret !== null) expect((await client(second.url, carolSecret).get("/v1/exercises")).status).toBe(200);
  });

  it("kill -9 mid-grading loses nothing: after restart every submission is graded exactly once", async () => {
    const store = await newStore(storageKind);
    const first = await start(store);
    const alice = client(first.url, KEYS.alice);
    const running = (await alice.post("/v1/submissions", slow)).json.id as string;
    const queued = (await alice.post("/v1/submissions", fast)).json.id as string;
    await waitForStatus(alice, running, "running");
    await first.kill9();
    first.cleanup();

    const second = await start(store);
    const staff = client(second.url, KEYS.staff);
    for (const id of [running, queued]) {
      expect(await staff.waitGraded(id, 90_000)).toMatchObject({ status: "graded", score: 5 });
      const gradings = (await staff.get(`/v1/submissions/${id}/gradings`)).json.gradings;
      expect(gradings.map((g: { attempt: number }) => g.attempt)).toEqual([1]);
    }
    expect((await staff.get("/v1/submissions")).json.items.map((s: { id: string }) => s.id).sort()).toEqual([running, queued].sort());
    expect(second.logs.some((l) => l.includes(RECOVERY_LOG[storageKind]))).toBe(true);
  });

  it("answers 503 with Retry-After when the queue is full and 429 with Retry-After past the key's rate", async () => {
    const server = await start(await newStore(storageKind), { AUTOGRADE_MAX_QUEUE_DEPTH: "1", AUTOGRADE_RATE_LIMIT_PER_MINUTE: "6", AUTOGRADE_DRAIN_GRACE_MS: "0" });
    const bob = client(server.url, KEYS.bob);
    expect((await bob.post("/v1/submissions", slow)).status).toBe(202);
    const full = await bob.post("/v1/submissions", fast);
    expect(full.status).toBe(503);
    expect(full.json.error).toBe("queue_full");
    expect(Number(full.headers.get("retry-after"))).toBeGreaterThan(0);

    const staff = client(server.url, KEYS.staff);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await staff.get("/v1/exercises")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const limited = await staff.get("/v1/exercises");
    expect(limited.json.error).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  });
});

describe("service start-up", () => {
  it.each([
    ["PORT", "eighty", /PORT: /],
    ["AUTOGRADE_API_KEYS", "teacher:x:long-enough-secret", /AUTOGRADE_API_KEYS entry 1: /],
    ["AUTOGRADE_SANDBOX_MEMORY_MB", "-5", /AUTOGRADE_SANDBOX_MEMORY_MB: /],
  ])("bad config %s=%s stops start-up with a message naming the variable", async (name, value, message) => {
    const store = await newStore("sqlite");
    await expect(startServerProcess(store.dir, { [name]: value })).rejects.toThrow(new RegExp(`exited with 1[\\s\\S]*${message.source}`));
  });
});

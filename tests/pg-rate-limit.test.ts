import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgRateLimitStore } from "../server/rate-limit-store.ts";
import { createTestDatabase } from "./helpers/pg.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";

/**
 * Two api nodes on one database: the limit is the service's, not each process's, so N nodes do not
 * allow N times AUTOGRADE_RATE_LIMIT_PER_MINUTE.
 */
const PER_MINUTE = 10;

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const data = tempDataDir();
const processes: ServerProcess[] = [];
let nodes: [ServerProcess, ServerProcess];

beforeAll(async () => {
  database = await createTestDatabase();
  const env = { DATABASE_URL: database.url, AUTOGRADE_ROLE: "api", AUTOGRADE_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE) };
  // Started together: migrations must be safe under concurrent start-up, the rate-limit table's included.
  const started = await Promise.all([startServerProcess(data.dir, env), startServerProcess(data.dir, env)]);
  processes.push(...started);
  nodes = started as [ServerProcess, ServerProcess];
}, 90_000);

afterAll(async () => {
  await stopProcesses(processes);
  await database?.drop();
  data.remove();
});

describe("rate limiting across api nodes on PostgreSQL", () => {
  it(`a key gets ${PER_MINUTE} requests a minute in all, whichever node each one reaches`, async () => {
    const [a, b] = nodes.map((node) => client(node.url, KEYS.alice));
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE; i++) statuses.push((await (i % 2 === 0 ? a : b)!.get("/v1/me")).status);
    expect(statuses).toEqual(Array(PER_MINUTE).fill(200));
    for (const node of [a, b]) {
      const limited = await node!.get("/v1/me");
      expect(limited.status).toBe(429);
      expect(limited.json).toEqual({ error: "rate_limited", message: `over ${PER_MINUTE} requests per minute for this key` });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    }
    // Another key has its own allowance on both nodes.
    expect((await client(nodes[1].url, KEYS.bob).get("/v1/me")).status).toBe(200);
  });

  it("bad keys are counted per client address across the nodes too", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < PER_MINUTE + 2; i++) {
      statuses.push((await client(nodes[i % 2]!.url, `guessed-key-number-${i}`).get("/v1/me")).status);
    }
    expect(statuses).toEqual([...Array(PER_MINUTE).fill(401), 429, 429]);
    expect((await client(nodes[0].url, KEYS.staff).get("/v1/me")).status).toBe(200);
  });

  it("counts concurrent hits on one key exactly once each, and removes lapsed windows but not live ones", async () => {
    const pool = database.pool(4);
    const store = pgRateLimitStore({ pool, log: pino({ level: "silent" }) });
    const hit = (key: string, windowMs: number) =>
      new Promise<{ current: number; ttl: number }>((resolve, reject) => store.incr(key, (err, result) => (err ? reject(err) : resolve(result!)), windowMs, 1));

    const counts = await Promise.all(Array.from({ length: 40 }, () => hit("test:concurrent", 60_000)));
    expect(counts.map((c) => c.current).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(counts.every((c) => c.ttl > 0 && c.ttl <= 60_000)).toBe(true);

    await hit("test:lapsing", 1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // A lapsed window starts again at 1 rather than counting on.
    expect((await hit("test:lapsing", 1)).current).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await store.removeExpired()).toBeGreaterThanOrEqual(1);
    const keys = (await pool.query<{ key: string }>("SELECT key FROM rate_limit_windows")).rows.map((r) => r.key);
    expect(keys).toContain("test:concurrent");
    expect(keys).not.toContain("test:lapsing");
    await pool.end();
  });
});

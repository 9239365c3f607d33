import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./helpers/pg.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

const processes: ServerProcess[] = [];
const data = tempDataDir();
let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;

afterAll(async () => {
  await stopProcesses(processes);
  await database?.drop();
  data.remove();
});

describe("scale-out: webhooks", () => {
  it("a webhook whose worker died mid-retry is sent by the next worker once its retry schedule has lapsed", async () => {
    database = await createTestDatabase();
    const bodies: string[] = [];
    const statuses = [500, 204];
    const receiver = createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        bodies.push(body);
        res.statusCode = statuses.shift() ?? 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    try {
      // 2 attempts, 1 s timeout, 4 s then 8 s backoff: abandoned 2×1 + 4 + 8 = 14 s after grading. The
      // timeout and backoff leave room for a loaded machine: the receiver must answer within the
      // timeout, and the test must see the first attempt before the second is due.
      const [attempts, timeoutMs, backoffMs] = [2, 1000, 4000];
      const abandonedAfterMs = attempts * timeoutMs + backoffMs * (2 ** attempts - 1);
      const env = { DATABASE_URL: database.url, AUTOGRADE_WEBHOOK_MAX_ATTEMPTS: String(attempts), AUTOGRADE_WEBHOOK_TIMEOUT_MS: String(timeoutMs), AUTOGRADE_WEBHOOK_INITIAL_BACKOFF_MS: String(backoffMs) };
      const start = async (role: "api" | "worker") => {
        const p = await startServerProcess(data.dir, { ...env, AUTOGRADE_ROLE: role }, role === "worker" ? { ready: "worker" } : {});
        processes.push(p);
        return p;
      };
      const api = await start("api");
      const first = await start("worker");
      const staff = client(api.url, KEYS.staff);
      const callbackUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/grades`;
      const id = (await staff.post("/v1/submissions", { source: distributeSolution, exercises: ["distribute_value"], callbackUrl })).json.id as string;
      await expect.poll(() => bodies.length, { timeout: 30_000, interval: 20 }).toBe(1);
      const deliveries = async () => (await staff.get(`/v1/submissions/${id}/deliveries`)).json.deliveries.map((d: { statusCode: number }) => d.statusCode);
      // Mid-retry: the failed first attempt is recorded, the second not yet made (4 s backoff).
      await expect.poll(deliveries, { timeout: 5000, interval: 20 }).toEqual([500]);
      await first.kill9();
      first.cleanup();
      await new Promise((r) => setTimeout(r, abandonedAfterMs + 500));

      const second = await start("worker");
      await expect.poll(() => bodies.length, { timeout: 15_000, interval: 50 }).toBe(2);
      expect(JSON.parse(bodies[1]!)).toMatchObject({ event: "submission.graded", submission: { id, status: "graded", score: 5 } });
      expect(second.logs.some((l) => l.includes("resumed webhooks left pending by a stopped process"))).toBe(true);
      // An attempt the kill cut short is recorded without a status (null); none may have succeeded.
      await expect.poll(async () => (await deliveries()).filter((status: number | null) => status !== null), { timeout: 5000 }).toEqual([500, 204]);
    } finally {
      receiver.close();
    }
  }, 90_000);
});

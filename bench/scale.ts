import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { solutionModule } from "../exercises/index.ts";
import { startArrivalReceiver } from "./lib/webhook-arrivals.ts";
import { spawnService, stopAll } from "./lib/processes.ts";
import { formatTable, quantile } from "./lib/stats.ts";

/**
 * Scale-out in one run: the embedded SQLite mode (one process) and PostgreSQL with 1 api + 1 or 2
 * worker processes, every grading process with one sandbox and one job at a time, so the rows
 * differ only in storage, queue and worker count. Burst: N zero_pad submissions (model solution)
 * posted by 16 clients, completion by webhook; throughput and p99 time-to-graded. Then serial
 * ?wait=true submissions for the queue overhead (enqueue to grading start) with no backlog.
 * Needs AUTOGRADE_TEST_DATABASE_URL (a user that may CREATE DATABASE; scripts/ci-postgres.sh).
 * --all grades all eight exercises instead of zero_pad, so grading rather than the queue dominates.
 * Usage: npm run bench -- scale [--submissions 200] [--serial 40] [--all]
 */
const STAFF_SECRET = "bench-staff-secret-0123456789";
const WEBHOOK_SECRET = "bench-webhook-secret-0123456789";
const CLIENTS = 16;

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1]) : fallback;
}

const spawnNode = (env: Record<string, string>, ready: string) => spawnService({ entry: ["--import", "tsx", "server/main.ts"], env, ready, timeoutMs: 60_000 });

async function withDatabase<T>(adminUrl: string, use: (url: string) => Promise<T>): Promise<T> {
  const name = `autograde_bench_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  try {
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return await use(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

interface Row { mode: string; graded: number; seconds: number; perSecond: number; p50: number; p99: number; overheadP50: number; overheadP99: number }

export default async function bench(args: readonly string[] = []): Promise<void> {
  const adminUrl = process.env.AUTOGRADE_TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("set AUTOGRADE_TEST_DATABASE_URL to a PostgreSQL user that may CREATE DATABASE (scripts/ci-postgres.sh prints one)");
  const total = option(args, "--submissions", 200);
  const serial = option(args, "--serial", 40);
  const all = args.includes("--all");
  const exercises = all ? undefined : ["zero_pad"];
  const source = all ? solutionModule() : solutionModule(["zero_pad"]);

  const receiver = await startArrivalReceiver();
  const { callbackUrl } = receiver;

  const baseEnv = (dataDir: string) => ({
    PORT: "0", AUTOGRADE_DATA_DIR: dataDir, AUTOGRADE_LOG_LEVEL: "info", AUTOGRADE_API_KEYS: `staff:bench:${STAFF_SECRET}`,
    AUTOGRADE_WEBHOOK_SECRET: WEBHOOK_SECRET, AUTOGRADE_RATE_LIMIT_PER_MINUTE: "1000000", AUTOGRADE_MAX_QUEUE_DEPTH: "100000",
    AUTOGRADE_TYPECHECK: "false", AUTOGRADE_POOL_SIZE: "1", AUTOGRADE_GRADING_CONCURRENCY: "1",
  });
  const headers = { authorization: `Bearer ${STAFF_SECRET}`, "content-type": "application/json" };

  async function measure(mode: string, url: string): Promise<Row> {
    const post = async (body: object, query = "") => {
      const response = await fetch(`${url}/v1/submissions${query}`, { method: "POST", headers, body: JSON.stringify({ ...(exercises ? { exercises } : {}), ...body }) });
      if (response.status !== 202 && response.status !== 200) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
      return (await response.json()) as { id: string; status: string };
    };
    for (let i = 0; i < 4; i++) await post({ source: `${source}\n// warm ${i}` }, "?wait=true");

    const latencies: number[] = [];
    let issued = 0;
    const started = performance.now();
    await Promise.all(Array.from({ length: CLIENTS }, async () => {
      while (issued < total) {
        const n = issued++;
        const posted = performance.now();
        const { id } = await post({ source: `${source}\n// ${mode} ${n}`, callbackUrl });
        latencies.push((await receiver.arrivedAt(id)) - posted);
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);

    const overheads: number[] = [];
    for (let i = 0; i < serial; i++) {
      const done = await post({ source: `${source}\n// serial ${mode} ${i}` }, "?wait=true");
      if (done.status !== "graded") throw new Error(`serial submission ended ${done.status}`);
      const submission = (await (await fetch(`${url}/v1/submissions/${done.id}`, { headers })).json()) as { createdAt: string };
      const gradings = (await (await fetch(`${url}/v1/submissions/${done.id}/gradings`, { headers })).json()) as { gradings: { startedAt: string }[] };
      overheads.push(Date.parse(gradings.gradings[0]!.startedAt) - Date.parse(submission.createdAt));
    }
    overheads.sort((a, b) => a - b);
    return { mode, graded: total, seconds, perSecond: total / seconds, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), overheadP50: quantile(overheads, 0.5), overheadP99: quantile(overheads, 0.99) };
  }

  const rows: Row[] = [];
  const dataDir = mkdtempSync(join(tmpdir(), "autograde-scale-"));
  try {
    const embedded = await spawnNode({ ...baseEnv(join(dataDir, "sqlite")) }, '"autograde listening"');
    try {
      rows.push(await measure("sqlite embedded (1 process)", embedded.url));
    } finally {
      await stopAll([embedded.child]);
    }
    for (const workers of [1, 2]) {
      await withDatabase(adminUrl, async (databaseUrl) => {
        const env = { ...baseEnv(join(dataDir, `pg${workers}`)), DATABASE_URL: databaseUrl, AUTOGRADE_QUEUE_POLL_INTERVAL_MS: "1000" };
        const api = await spawnNode({ ...env, AUTOGRADE_ROLE: "api" }, '"autograde listening"');
        const children = [api.child];
        try {
          for (let i = 0; i < workers; i++) children.push((await spawnNode({ ...env, AUTOGRADE_ROLE: "worker" }, '"autograde worker ready"')).child);
          rows.push(await measure(`postgres 1 api + ${workers} worker${workers > 1 ? "s" : ""}`, api.url));
        } finally {
          await stopAll(children);
        }
      });
    }
  } finally {
    receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }

  const base = rows[0]!.perSecond;
  const header = ["mode", "graded", "wall s", "graded/s", "vs sqlite", "p50 ms", "p99 ms", "queue p50 ms", "queue p99 ms"];
  const cells = rows.map((r) => [r.mode, String(r.graded), r.seconds.toFixed(2), r.perSecond.toFixed(1), (r.perSecond / base).toFixed(2),
    r.p50.toFixed(0), r.p99.toFixed(0), r.overheadP50.toFixed(0), r.overheadP99.toFixed(0)]);
  process.stdout.write([
    `scale bench: ${total} ${all ? "all-exercise" : "zero_pad"} submissions (model solution) from ${CLIENTS} clients, completion by webhook; every grading process has poolSize=1, gradingConcurrency=1`,
    `p50/p99: POST to webhook arrival; queue: enqueue to grading start over ${serial} serial ?wait=true submissions (no backlog)`,
    formatTable(header, cells, { leftColumns: 1 }), "",
  ].join("\n"));
}

import type { ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader, parseGraderConfig } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { loadServerConfig } from "../server/config.ts";
import { treeCpuSeconds } from "./lib/proc-cpu.ts";
import { createScratchDatabase } from "./lib/scratch-database.ts";
import { checkoutOf } from "./lib/checkout.ts";
import { spawnService, stopAll } from "./lib/processes.ts";
import { formatTable, quantile } from "./lib/stats.ts";

/**
 * The deadline burst: the service as `npm start` runs it (a child process on a real port and a
 * fresh SQLite directory, or api + K workers on a scratch PostgreSQL database) takes N distinct
 * model solutions from N students at once, each POST with ?wait=true (polling if the wait runs
 * out); the clock runs until every one is graded. CPU is read from /proc for the whole process
 * tree (service, sandbox workers, type-check thread). The grader alone (same config, called in this
 * process, as many in flight as the service grades at once) is measured first in the same run.
 * --env AUTOGRADE_X=value (repeatable) sets the service's and the grader-alone run's configuration
 * alike, e.g. --env AUTOGRADE_TYPECHECK=false. --before REF first runs the same burst against that
 * commit's service (its sources in a temporary folder, this checkout's node_modules), so before and
 * after come from one run. --workers 1,2 runs one burst per worker count, in the same run; --pin
 * puts worker i on core i with one sandbox process, so that each worker stands for a one-core
 * machine and the scaling of adding machines can be read on one (the api process stays unpinned).
 * Usage: npm run bench -- burst [--n 1000] [--baseline 40] [--built] [--before REF] [--postgres URL --workers K[,K...] [--pin]] [--env AUTOGRADE_X=v]
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

interface Options { n: number; baseline: number; built: boolean; postgres: string | undefined; workers: readonly number[]; pin: boolean; env: Record<string, string>; before: string | undefined }

function parseOptions(argv: readonly string[]): Options {
  const { values } = parseArgs({
    args: [...argv],
    options: { n: { type: "string", default: "1000" }, baseline: { type: "string", default: "40" }, built: { type: "boolean", default: false }, postgres: { type: "string" }, workers: { type: "string", default: "1" }, before: { type: "string" }, pin: { type: "boolean", default: false }, env: { type: "string", multiple: true, default: [] } },
    strict: true,
  });
  const int = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
    return n;
  };
  const env: Record<string, string> = {};
  for (const pair of values.env ?? []) {
    const eq = pair.indexOf("=");
    if (!/^AUTOGRADE_[A-Z0-9_]+$/.test(pair.slice(0, eq))) throw new Error(`--env takes AUTOGRADE_NAME=value, got ${JSON.stringify(pair)}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { n: int("n", values.n), baseline: int("baseline", values.baseline), built: values.built ?? false, postgres: values.postgres, workers: (values.workers ?? "1").split(",").map((k) => int("workers", k)), pin: values.pin ?? false, env, before: values.before };
}

function startService(env: Record<string, string>, built: boolean, ready: string, cwd: string, cpu?: number) {
  const entry = built ? ["--no-node-snapshot", "dist/server/main.js"] : ["--no-node-snapshot", "--import", "tsx", "server/main.ts"];
  return spawnService({ entry, env, ready, timeoutMs: 120_000, cwd, ...(cpu === undefined ? {} : { cpu }) });
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const ok = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url}/readyz never answered 200`);
}

/** The grader alone: `count` distinct sources, `inFlight` at once, wall rate and CPU of this process tree. */
async function graderAlone(count: number, inFlight: number, source: string, env: Record<string, string>): Promise<{ perSecond: number; cpuMs: number; typecheck: boolean; belowMax: number }> {
  const config = loadServerConfig({ ...env, AUTOGRADE_DATA_DIR: tmpdir() }).grader;
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, workerRssMb: config.sandboxWorkerRssMb, maxOutputElements: config.maxOutputElements, log: silent });
  const grader = createGrader({ pool, exercises, log: silent, config });
  try {
    await Promise.all(Array.from({ length: inFlight }, (_, i) => grader.grade({ source: `${source}\n// warm ${i}` })));
    let next = 0;
    // On a loaded machine a large case can run past its time limit: counted, as the service's are.
    let belowMax = 0;
    const cpuBefore = treeCpuSeconds([process.pid]);
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < count) {
        const report = await grader.grade({ source: `${source}\n// alone ${next++}` });
        if (report.score !== report.maxScore) belowMax++;
      }
    }));
    const seconds = (performance.now() - started) / 1000;
    return { perSecond: count / seconds, cpuMs: ((treeCpuSeconds([process.pid]) - cpuBefore) * 1000) / count, typecheck: config.typecheck, belowMax };
  } finally {
    await grader.close();
    await pool.close(1000);
  }
}

interface Burst { seconds: number; latencies: number[]; cpuSeconds: number; scores: Map<number, number>; retries: number }

/** node:http rather than fetch: fetch's default dispatcher gives up on a reply after 300 s, and a burst may wait longer. */
function requester(base: string) {
  const agent = new http.Agent({ keepAlive: false, maxSockets: Infinity });
  const call = (path: string, key: string, body?: string, idempotencyKey?: string) =>
    new Promise<{ status: number; json: unknown }>((resolve, reject) => {
      const req = http.request(`${base}${path}`, { method: body === undefined ? "GET" : "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          try {
            resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) });
          } catch {
            reject(new Error(`${path} answered ${res.statusCode}: ${text.slice(0, 300)}`));
          }
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  return { call, close: () => agent.destroy() };
}

type SubmissionBody = { id: string; status: string; report?: { score: number } };

async function burst(url: string, roots: () => number[], keys: readonly string[], source: string): Promise<Burst> {
  const { call, close } = requester(url);
  const latencies: number[] = [];
  const scores = new Map<number, number>();
  let retries = 0;
  const cpuBefore = treeCpuSeconds(roots());
  const started = performance.now();
  await Promise.all(keys.map(async (key, i) => {
    const posted = performance.now();
    // A connection the loaded server drops is retried; the Idempotency-Key makes a retry the same submission.
    let response: { status: number; json: unknown } | undefined;
    for (let attempt = 1; response === undefined; attempt++) {
      try {
        response = await call("/v1/submissions?wait=true", key, JSON.stringify({ source: `${source}\n// student ${i}` }), `burst-${i}`);
      } catch (error) {
        if (attempt >= 5) throw error;
        retries++;
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
    if (response.status !== 200 && response.status !== 202) throw new Error(`POST answered ${response.status}: ${JSON.stringify(response.json)}`);
    let body = response.json as SubmissionBody;
    // Only when grading outlasted the server's longest wait.
    while (body.status !== "graded") {
      if (body.status === "error") throw new Error(`submission ${body.id} ended as error`);
      await new Promise((r) => setTimeout(r, 1000));
      body = (await call(`/v1/submissions/${body.id}`, key).catch(() => ({ json: body }))).json as SubmissionBody;
    }
    latencies.push(performance.now() - posted);
    const score = body.report?.score ?? -1;
    scores.set(score, (scores.get(score) ?? 0) + 1);
  }));
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = treeCpuSeconds(roots()) - cpuBefore;
  close();
  return { seconds, latencies: latencies.sort((a, b) => a - b), cpuSeconds, scores, retries };
}

interface Target { readonly label: string; readonly root: string }

/** One burst against one checkout's service, on its own fresh data directory (or scratch database). */
async function burstOn(target: Target, workers: number, options: Options, students: readonly { name: string; secret: string }[], source: string) {
  const dataDir = mkdtempSync(join(tmpdir(), "autograde-burst-"));
  const env = {
    PORT: "0",
    AUTOGRADE_DATA_DIR: dataDir,
    AUTOGRADE_LOG_LEVEL: "info",
    AUTOGRADE_API_KEYS: students.map((s) => `student:${s.name}:${s.secret}`).join(","),
    AUTOGRADE_MAX_QUEUE_DEPTH: String(options.n + 100),
    AUTOGRADE_WAIT_MAX_MS: "600000",
    AUTOGRADE_CONNECTION_TIMEOUT_MS: "660000",
    // 1,000 connections opened at once on 2 busy cores may take a while to send their headers.
    AUTOGRADE_HEADERS_TIMEOUT_MS: "60000",
    ...options.env,
  };
  const start = (extra: Record<string, string>, ready: string, cpu?: number) => startService({ ...env, ...extra }, options.built, ready, target.root, cpu);
  const children: ChildProcess[] = [];
  let scratch: { url: string; drop(): Promise<void> } | undefined;
  try {
    let mode: string;
    let url: string;
    if (options.postgres === undefined) {
      mode = "sqlite, 1 process (npm start)";
      const service = await start({}, '"autograde listening"');
      children.push(service.child);
      url = service.url;
    } else {
      scratch = await createScratchDatabase(options.postgres);
      mode = `postgres, 1 api + ${workers} worker${workers > 1 ? "s" : ""}${options.pin ? ", each on a core of its own with 1 sandbox" : ""}`;
      const api = await start({ DATABASE_URL: scratch.url, AUTOGRADE_ROLE: "api" }, '"autograde listening"');
      children.push(api.child);
      url = api.url;
      for (let i = 0; i < workers; i++) {
        // --pin: each worker stands for a one-core machine of its own.
        const pinned: Record<string, string> = options.pin ? { AUTOGRADE_POOL_SIZE: "1" } : {};
        children.push((await start({ DATABASE_URL: scratch.url, AUTOGRADE_ROLE: "worker", ...pinned }, '"autograde worker ready"', options.pin ? i % availableParallelism() : undefined)).child);
      }
    }
    await waitReady(url);
    return { mode: `${target.label}: ${mode}`, ...(await burst(url, () => children.map((c) => c.pid!), students.map((s) => s.secret), source)) };
  } finally {
    await stopAll(children);
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export default async function bench(argv: readonly string[] = []): Promise<void> {
  const options = parseOptions(argv);
  if (options.built && !existsSync(join(repoRoot, "dist/server/main.js"))) throw new Error("--built needs dist/: run npm run build first");
  if (options.built && options.before !== undefined) throw new Error("--before runs the earlier commit from source: leave out --built");
  const source = solutionModule();
  const students = Array.from({ length: options.n }, (_, i) => ({ name: `student${i}`, secret: `burst-secret-${i}-xxxxxxxx` }));
  const startLoad = loadavg().map((l) => l.toFixed(2)).join(" ");
  const alone = await graderAlone(options.baseline, parseGraderConfig({}).poolSize, source, options.env);

  const earlier = options.before === undefined ? undefined : checkoutOf(options.before);
  const targets: Target[] = [...(earlier ? [{ label: `before (${earlier.commit})`, root: earlier.root }] : []), { label: "this checkout", root: repoRoot }];
  const rows: string[][] = [];
  const notes: string[] = [];
  try {
    // SQLite has no worker processes: one burst per target there.
    const runs = targets.flatMap((target) => (options.postgres === undefined ? [1] : options.workers).map((workers) => ({ target, workers })));
    for (const { target, workers } of runs) {
      const result = await burstOn(target, workers, options, students, source);
      const perSecond = options.n / result.seconds;
      const cpuMs = (result.cpuSeconds * 1000) / options.n;
      const maxScore = Math.max(...result.scores.keys());
      rows.push([result.mode, String(options.n), result.seconds.toFixed(2), perSecond.toFixed(2), (quantile(result.latencies, 0.5) / 1000).toFixed(2), (quantile(result.latencies, 0.99) / 1000).toFixed(2),
        cpuMs.toFixed(0), alone.perSecond.toFixed(2), alone.cpuMs.toFixed(0), (perSecond / alone.perSecond).toFixed(2), (cpuMs / alone.cpuMs).toFixed(2)]);
      notes.push(`${result.mode} scores: ${[...result.scores].map(([s, c]) => `${c} × ${s}`).join(", ")}${result.scores.size === 1 && maxScore > 0 ? "" : "  (NOT all equal)"}; POSTs retried after a dropped connection: ${result.retries}`);
    }
  } finally {
    earlier?.remove();
  }
  const header = ["service", "N", "wall s", "graded/s", "p50 s", "p99 s", "CPU ms/sub", "alone/s", "alone CPU ms/sub", "rate ratio", "CPU ratio"];
  process.stdout.write([
    `burst bench: ${options.n} students each POST one distinct model solution (all 8 exercises) with ?wait=true at once; ${options.built ? "dist/ (built)" : "from source (tsx)"}; typecheck=${alone.typecheck}${Object.keys(options.env).length > 0 ? `; ${Object.entries(options.env).map(([k, v]) => `${k}=${v}`).join(" ")}` : ""}`,
    `grader alone (this checkout): ${options.baseline} distinct sources, poolSize in flight, same process tree CPU accounting (${alone.belowMax} scored below the maximum); load average at start ${startLoad}`,
    ...notes,
    formatTable(header, rows, { leftColumns: 1 }),
    ...(earlier && rows.length === 2 ? [`this checkout against ${targets[0]!.label}: ${(Number(rows[1]![3]) / Number(rows[0]![3])).toFixed(2)}× the graded/s, ${(Number(rows[1]![6]) / Number(rows[0]![6])).toFixed(2)}× the CPU per submission`] : []),
    "",
  ].join("\n"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bench(process.argv.slice(2));
}

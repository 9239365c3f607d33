import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildDist } from "../scripts/build.ts";
import { formatTable, summarize, type Summary } from "./lib/stats.ts";

/**
 * Start-up and idle memory of the service, from source through tsx (as `npm start` ran before the
 * production build) and from the compiled dist/ (as it runs now), measured alternately in one run.
 * Start-up: spawn to the first /readyz 200. Idle RSS: once every sandbox worker is up and the
 * process tree has been still for `--settle-ms`, the sum of VmRSS over the main process and all
 * its descendants (sandbox workers, esbuild's service), from /proc.
 * Usage: npm run bench -- startup [--runs 5] [--pool-size 2] [--settle-ms 3000]
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));

interface Variant {
  readonly name: string;
  readonly cwd: string;
  readonly args: readonly string[];
}

interface Sample {
  readonly readyMs: number;
  readonly rssMb: number;
  readonly processes: number;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** pid -> parent pid for every process, read from /proc/<pid>/stat (field 4, after the parenthesised name). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      map.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // Exited while we looked.
    }
  }
  return map;
}

function tree(root: number): number[] {
  const byParent = parents();
  const found = [root];
  for (let i = 0; i < found.length; i++) for (const [pid, ppid] of byParent) if (ppid === found[i]) found.push(pid);
  return found;
}

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

async function measure(variant: Variant, options: { poolSize: number; settleMs: number }): Promise<Sample> {
  const port = await freePort();
  const data = mkdtempSync(join(tmpdir(), "autograde-bench-startup-"));
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, variant.args, {
    cwd: variant.cwd,
    stdio: "ignore",
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", PORT: String(port), HOST: "127.0.0.1", AUTOGRADE_DATA_DIR: data, AUTOGRADE_POOL_SIZE: String(options.poolSize), AUTOGRADE_LOG_LEVEL: "warn" },
  });
  try {
    let readyMs = NaN;
    while (Number.isNaN(readyMs)) {
      if (child.exitCode !== null) throw new Error(`${variant.name}: the service exited with ${child.exitCode} during start-up`);
      const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status === 200, () => false);
      if (ok) readyMs = performance.now() - started;
      else await sleep(10);
    }
    // Idle: the pool's workers have started (they warm at start-up) and nothing has changed for settleMs.
    let last = "";
    for (let stillSince = performance.now(); ; await sleep(250)) {
      const pids = tree(child.pid!);
      const workers = pids.length - 1;
      const shape = `${pids.join(",")}:${Math.round(pids.reduce((s, p) => s + rssKb(p), 0) / 1024)}`;
      if (shape !== last) [last, stillSince] = [shape, performance.now()];
      if (workers >= options.poolSize && performance.now() - stillSince >= options.settleMs) {
        return { readyMs, rssMb: pids.reduce((s, p) => s + rssKb(p), 0) / 1024, processes: pids.length };
      }
    }
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));
    rmSync(data, { recursive: true, force: true });
  }
}

export default async function benchStartup(argv: readonly string[] = []): Promise<void> {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: "string", default: "5" }, "pool-size": { type: "string", default: "2" }, "settle-ms": { type: "string", default: "3000" } },
  });
  const runs = Number(values.runs);
  const options = { poolSize: Number(values["pool-size"]), settleMs: Number(values["settle-ms"]) };
  // The compiled service in a scratch folder (node_modules linked), so the bench never touches dist/.
  const scratch = mkdtempSync(join(tmpdir(), "autograde-bench-dist-"));
  try {
    symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir");
    await buildDist(join(scratch, "dist"));
    const variants: Variant[] = [
      { name: "tsx (node --import tsx server/main.ts)", cwd: repoRoot, args: ["--import", "tsx", "server/main.ts"] },
      { name: "dist (node --no-node-snapshot dist/server/main.js)", cwd: scratch, args: ["--no-node-snapshot", "dist/server/main.js"] },
    ];
    const samples = variants.map(() => [] as Sample[]);
    // Alternated, so drift on a shared machine falls on both alike.
    for (let run = 0; run < runs; run++) for (const [i, variant] of variants.entries()) samples[i]!.push(await measure(variant, options));

    type Stats = { readonly ready: Summary; readonly rss: Summary };
    const [before, after] = samples.map((s): Stats => ({ ready: summarize(s.map((x) => x.readyMs)), rss: summarize(s.map((x) => x.rssMb)) })) as [Stats, Stats];
    const row = (label: string, unit: string, pick: (x: Stats) => Summary) => [
      label,
      `${pick(before).p50.toFixed(0)} ${unit}`,
      `${pick(before).p95.toFixed(0)} ${unit}`,
      `${pick(after).p50.toFixed(0)} ${unit}`,
      `${pick(after).p95.toFixed(0)} ${unit}`,
      (pick(after).p50 / pick(before).p50).toFixed(2),
    ];
    console.log(`service start-up and idle memory, ${runs} runs each, AUTOGRADE_POOL_SIZE=${options.poolSize}, node ${process.version}`);
    for (const [i, v] of variants.entries()) console.log(`  ${i === 0 ? "before" : "after "}: ${v.name}; idle tree ${samples[i]![0]!.processes} processes`);
    console.log(
      formatTable(
        ["metric", "before p50", "before p95", "after p50", "after p95", "after/before (p50)"],
        [row("spawn to /readyz 200", "ms", (x) => x.ready), row("idle RSS, process tree", "MB", (x) => x.rss)],
        { leftColumns: 1, rule: true },
      ),
    );
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

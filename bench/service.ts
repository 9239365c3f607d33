import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { loadServerConfig } from "../server/config.ts";
import { startService } from "../server/service.ts";
import { startArrivalReceiver } from "./lib/webhook-arrivals.ts";
import { formatTable, quantile } from "./lib/stats.ts";

/**
 * N concurrent clients on loopback submit the model solution (async, completion by webhook) for
 * N = 1, 8, 64: graded per second, p50/p99 from POST to the webhook's arrival, and the ratio to
 * the grader's own throughput measured in the same run with the same pool and as many
 * submissions in flight as the service can have at that level.
 * Usage: npm run bench -- service [--per-client K] [--clients 1,8,64]
 */
const WEBHOOK_SECRET = "bench-webhook-secret-0123456789";

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

export default async function bench(args: readonly string[] = []): Promise<void> {
  const clientCounts = (option(args, "--clients") ?? "1,8,64").split(",").map(Number);
  const perClientOverride = option(args, "--per-client");
  const totalFor = (n: number) => (perClientOverride ? Number(perClientOverride) * n : Math.max(8, Math.min(2 * n, 64)));
  const source = solutionModule();
  const dataDir = mkdtempSync(join(tmpdir(), "autograde-bench-"));
  const keys = Array.from({ length: Math.max(...clientCounts) }, (_, i) => ({ name: `client${i}`, secret: `bench-secret-${i}-xxxxxxxx` }));
  const config = loadServerConfig({
    ...process.env,
    PORT: "0",
    AUTOGRADE_DATA_DIR: dataDir,
    AUTOGRADE_LOG_LEVEL: "warn",
    AUTOGRADE_API_KEYS: keys.map((k) => `staff:${k.name}:${k.secret}`).join(","),
    AUTOGRADE_RATE_LIMIT_PER_MINUTE: "100000",
    AUTOGRADE_MAX_QUEUE_DEPTH: "100000",
    AUTOGRADE_WEBHOOK_SECRET: WEBHOOK_SECRET,
  });
  const log = pino({ level: "warn" });
  const pool = createSandboxPool({ size: config.grader.poolSize, sandboxMemoryMb: config.grader.sandboxMemoryMb, maxOutputElements: config.grader.maxOutputElements, log });
  const grader = createGrader({ pool, exercises, log, config: config.grader });

  const receiver = await startArrivalReceiver();
  const { callbackUrl } = receiver;

  try {
    // Warm-up: expected outputs, worker start, checker libraries.
    await Promise.all(Array.from({ length: config.gradingConcurrency }, () => grader.grade({ source })));

    // The grader alone, called directly with as many submissions in flight as the service can have
    // at that level, measured right before the level so machine noise hits both alike. Sources are
    // unique, as the clients' are.
    let baselineRuns = 0;
    async function graderRate(inFlight: number, count: number): Promise<number> {
      let next = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next++ < count) await grader.grade({ source: `${source}\n// baseline ${baselineRuns++}` });
        }),
      );
      return count / ((performance.now() - started) / 1000);
    }

    // The bench closes the pool itself once every level has run.
    const service = await startService({ config, log, grader, exercises, closeGrader: async () => {}, workerRestarts: () => pool.stats().restarts });
    const rows: string[][] = [];
    try {
      for (const n of clientCounts) {
        const total = totalFor(n);
        const baseline = await graderRate(Math.min(n, config.gradingConcurrency), Math.min(total, 16));
        const latencies: number[] = [];
        let issued = 0;
        const levelStart = performance.now();
        await Promise.all(
          keys.slice(0, n).map(async (key) => {
            while (issued < total) {
              issued++;
              const posted = performance.now();
              const response = await fetch(`${service.url}/v1/submissions`, {
                method: "POST",
                headers: { authorization: `Bearer ${key.secret}`, "content-type": "application/json" },
                body: JSON.stringify({ source: `${source}\n// ${key.name} ${issued}`, callbackUrl }),
              });
              if (response.status !== 202) throw new Error(`POST answered ${response.status}: ${await response.text()}`);
              const { id } = (await response.json()) as { id: string };
              latencies.push((await receiver.arrivedAt(id)) - posted);
            }
          }),
        );
        const seconds = (performance.now() - levelStart) / 1000;
        const rate = total / seconds;
        latencies.sort((a, b) => a - b);
        rows.push([
          String(n), String(total), seconds.toFixed(2), rate.toFixed(2), quantile(latencies, 0.5).toFixed(0), quantile(latencies, 0.99).toFixed(0),
          baseline.toFixed(2), (rate / baseline).toFixed(2),
        ]);
      }
    } finally {
      await service.stop();
    }

    const header = ["clients", "graded", "wall s", "graded/s", "p50 ms", "p99 ms", "grader alone/s", "ratio"];
    process.stdout.write(
      [
        `service bench: model solution (all 8 exercises), poolSize=${config.grader.poolSize}, gradingConcurrency=${config.gradingConcurrency}, typecheck=${config.grader.typecheck}`,
        "grader alone: the same grader and pool called directly, min(clients, gradingConcurrency) in flight, just before each level",
        formatTable(header, rows),
        "",
      ].join("\n"),
    );
  } finally {
    receiver.close();
    await grader.close();
    await pool.close(1000);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bench(process.argv.slice(2));
}

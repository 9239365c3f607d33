import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader, parseGraderConfig, type Report } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { loadBareSolution } from "./grader-baseline.ts";

const TARGET_OVERHEAD_RATIO = 1.5;
const TARGET_FIXED_COST_MS = 10;

export interface GraderBenchOptions {
  readonly runs: number;
  readonly warmupRuns: number;
  /** The checker shares the host's cores with the workers; `--typecheck off` shows what it costs. */
  readonly typecheck: boolean;
}

type Row = readonly [phase: string, samplesMs: readonly number[]];

/**
 * Grades the model solutions end to end `runs` times, one submission at a time, and runs the same
 * solution functions on the same cases bare in this process for the overhead ratio.
 * Usage: npm run bench -- grader [--runs 200] [--warmup 5] [--typecheck on|off]
 */
export default async function benchGrader(argv?: unknown): Promise<void> {
  const options = parseOptions(Array.isArray(argv) ? argv.map(String) : []);
  const config = parseGraderConfig({ typecheck: options.typecheck });
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, maxOutputElements: config.maxOutputElements, log: silent });
  const grader = createGrader({ pool, exercises, log: silent, config });
  const source = solutionModule();
  const bare = await loadBareSolution(source, exercises);

  const reports: Report[] = [];
  const bareMs: number[] = [];
  try {
    for (let i = 0; i < options.warmupRuns + options.runs; i++) {
      const report = await grader.grade({ source });
      if (report.score !== report.maxScore) throw new Error(`the model solution scored ${report.score}/${report.maxScore}: the bench measures nothing`);
      // Interleaved, so both sides see the same machine state.
      const bareRun = bare.runAll();
      if (i < options.warmupRuns) continue;
      reports.push(report);
      bareMs.push(bareRun);
    }
  } finally {
    await pool.close(1000);
  }

  const timings = (key: keyof Report["timings"]) => reports.map((r) => r.timings[key]);
  const studentCodeMs = reports.map((r) => r.exercises.reduce((sum, e) => sum + e.cases.reduce((s, c) => s + (c.durationMs ?? 0), 0), 0));
  const haveCaseDurations = studentCodeMs.every((ms) => ms > 0);
  // Everything but running student code: the sandbox's own run-phase work (copying, converting) counts as overhead.
  const fixedMs = reports.map((r, i) => r.timings.totalMs - (haveCaseDurations ? (studentCodeMs[i] ?? 0) : r.timings.runMs));

  const rows: Row[] = [
    ["total", timings("totalMs")],
    ["compile", timings("compileMs")],
    ["typecheck (concurrent with sandbox)", timings("typecheckMs")],
    ["worker dispatch", timings("dispatchMs")],
    ["isolate", timings("isolateMs")],
    ["run (sandboxed)", timings("runMs")],
    ["compare", timings("compareMs")],
    ...(haveCaseDurations ? [["student code (sum of case durations)", studentCodeMs] as Row] : []),
    ["run (bare Node, same calls)", bareMs],
    ["outside the run phase (total - run)", reports.map((r) => r.timings.totalMs - r.timings.runMs)],
    ["fixed cost per submission", fixedMs],
  ];
  const ratio = percentile(timings("runMs"), 50) / percentile(bareMs, 50);
  const fixedP50 = percentile(fixedMs, 50);

  const lines = [
    `grader: model solutions end to end, ${options.runs} runs after ${options.warmupRuns} warm-up, pool size ${config.poolSize}, typecheck ${config.typecheck ? "on" : "off"}`,
    "",
    formatTable(rows),
    "",
    `sandbox overhead ratio (p50 sandboxed run / p50 bare run): ${ratio.toFixed(2)} (target <= ${TARGET_OVERHEAD_RATIO}: ${ratio <= TARGET_OVERHEAD_RATIO ? "met" : "MISSED"})`,
    haveCaseDurations
      ? `student code inside the sandbox vs bare (p50 sum of case durations / p50 bare): ${(percentile(studentCodeMs, 50) / percentile(bareMs, 50)).toFixed(2)}`
      : "cases carry no durationMs: fixed cost is total - run",
    `fixed cost per submission, p50 (total - student code): ${fixedP50.toFixed(1)} ms (target <= ${TARGET_FIXED_COST_MS} ms: ${fixedP50 <= TARGET_FIXED_COST_MS ? "met" : "MISSED"})`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

function parseOptions(argv: readonly string[]): GraderBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: "string", default: "200" }, warmup: { type: "string", default: "5" }, typecheck: { type: "string", default: "on" } },
    allowPositionals: true,
    strict: true,
  });
  const runs = Number(values.runs);
  const warmupRuns = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${JSON.stringify(values.runs)}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new Error(`--warmup must be a non-negative integer, got ${JSON.stringify(values.warmup)}`);
  if (values.typecheck !== "on" && values.typecheck !== "off") throw new Error(`--typecheck must be on or off, got ${JSON.stringify(values.typecheck)}`);
  return { runs, warmupRuns, typecheck: values.typecheck === "on" };
}

/** Nearest-rank percentile. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}

function formatTable(rows: readonly Row[]): string {
  const header = ["phase", "p50 ms", "p99 ms"] as const;
  const body = rows.map(([phase, samples]) => [phase, percentile(samples, 50).toFixed(2), percentile(samples, 99).toFixed(2)] as const);
  const width = (i: 0 | 1 | 2) => Math.max(header[i].length, ...body.map((r) => r[i].length));
  const line = (r: readonly [string, string, string]) => `${r[0].padEnd(width(0))}  ${r[1].padStart(width(1))}  ${r[2].padStart(width(2))}`;
  return [line(header), line(["-".repeat(width(0)), "-".repeat(width(1)), "-".repeat(width(2))]), ...body.map(line)].join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchGrader(process.argv.slice(2));
}

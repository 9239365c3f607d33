import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader, parseGraderConfig, type Report } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { loadBareSolution, loadColdBareSolution } from "./lib/grader-baseline.ts";
import { diagnosisShare } from "./diagnosis.ts";
import { formatTable, quantile } from "./lib/stats.ts";

const TARGET_OVERHEAD_RATIO = 1.5;
const TARGET_FIXED_COST_MS = 10;

type TypecheckMode = "off" | "on";

export interface GraderBenchOptions {
  readonly runs: number;
  readonly warmupRuns: number;
  /** The checker thread shares the host's 2 cores with the workers, so both modes are measured in one run. */
  readonly modes: readonly TypecheckMode[];
}

type Row = readonly [phase: string, samplesMs: readonly (readonly number[])[]];

/**
 * Grades the model solutions end to end `runs` times per typecheck mode, one submission at a time, and
 * runs the same solution functions on the same cases bare in this process: warm (one module instance
 * for the whole bench), cold (a fresh module instance per exercise, as the sandbox's fresh context per
 * exercise has) and cold in a fresh node:vm context per exercise.
 * Usage: npm run bench -- grader [--runs 200] [--warmup 5] [--typecheck both|on|off]
 */
export default async function benchGrader(argv?: unknown): Promise<void> {
  const options = parseOptions(Array.isArray(argv) ? argv.map(String) : []);
  const config = parseGraderConfig({});
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, maxOutputElements: config.maxOutputElements, log: silent });
  const graders = options.modes.map((mode) => ({ mode, grader: createGrader({ pool, exercises, log: silent, config: { ...config, typecheck: mode === "on" } }) }));
  const source = solutionModule();
  const bareWarm = await loadBareSolution(source, exercises);
  const bareCold = loadColdBareSolution(source, exercises, "this-context");
  const bareVm = loadColdBareSolution(source, exercises, "new-vm-context");

  const reports = new Map<TypecheckMode, Report[]>(options.modes.map((m) => [m, []]));
  const warmMs: number[] = [];
  const coldMs: number[] = [];
  const vmMs: number[] = [];
  try {
    for (let i = 0; i < options.warmupRuns + options.runs; i++) {
      const measured = i >= options.warmupRuns;
      // Alternating which mode goes first keeps either from always following the other's leftovers.
      const order = i % 2 === 0 ? graders : [...graders].reverse();
      for (const { mode, grader } of order) {
        const report = await grader.grade({ source });
        if (report.score !== report.maxScore) throw new Error(`the model solution scored ${report.score}/${report.maxScore}: the bench measures nothing`);
        if (measured) reports.get(mode)!.push(report);
      }
      // Interleaved, so every side sees the same machine state.
      const warm = bareWarm.runAll();
      const cold = bareCold.runAll();
      const inVm = bareVm.runAll();
      if (measured) {
        warmMs.push(warm);
        coldMs.push(cold);
        vmMs.push(inVm);
      }
    }
  } finally {
    await Promise.all(graders.map(({ grader }) => grader.close()));
    await pool.close(1000);
  }

  const perMode = options.modes.map((mode) => summarize(reports.get(mode)!));
  const column = <K extends keyof Summary>(key: K) => perMode.map((s) => s[key]);
  const rows: Row[] = [
    ["total", column("total")],
    ["compile", column("compile")],
    ["typecheck (concurrent with sandbox)", column("typecheck")],
    ["worker dispatch", column("dispatch")],
    ["isolate", column("isolate")],
    ["run (sandboxed)", column("run")],
    ["compare", column("compare")],
    ["student code (sum of case durations)", column("studentCode")],
    ["run (bare Node, warm, same calls)", perMode.map(() => warmMs)],
    ["run (bare Node, fresh instance per exercise)", perMode.map(() => coldMs)],
    ["run (bare Node, fresh node:vm context per exercise)", perMode.map(() => vmMs)],
    ["outside the run phase (total - run)", column("outsideRun")],
    ["fixed cost per submission (total - student code)", column("fixed")],
  ];

  const p50 = (xs: readonly number[]) => percentile(xs, 50);
  const verdict = (ok: boolean) => (ok ? "met" : "MISSED");
  const lines = [
    `grader: model solutions end to end, ${options.runs} runs per mode after ${options.warmupRuns} warm-up, pool size ${config.poolSize}, typecheck ${options.modes.join(" / ")}`,
    "",
    phaseTable(options.modes, rows),
    "",
  ];
  perMode.forEach((s, i) => {
    const ratio = p50(s.run) / p50(warmMs);
    const fixed = p50(s.fixed);
    lines.push(
      `typecheck ${options.modes[i]}: sandbox overhead ratio (p50 sandboxed run / p50 bare warm run): ${ratio.toFixed(2)} (target <= ${TARGET_OVERHEAD_RATIO}: ${verdict(ratio <= TARGET_OVERHEAD_RATIO)})`,
      `typecheck ${options.modes[i]}: student code in the sandbox / bare warm: ${(p50(s.studentCode) / p50(warmMs)).toFixed(2)}; / bare fresh instance: ${(p50(s.studentCode) / p50(coldMs)).toFixed(2)}; / bare fresh node:vm context: ${(p50(s.studentCode) / p50(vmMs)).toFixed(2)}`,
      `typecheck ${options.modes[i]}: fixed cost per submission, p50: ${fixed.toFixed(1)} ms (target <= ${TARGET_FIXED_COST_MS} ms: ${verdict(fixed <= TARGET_FIXED_COST_MS)})`,
    );
  });
  lines.push(
    `bare fresh instance / bare warm (what cold JIT costs outside any sandbox): ${(p50(coldMs) / p50(warmMs)).toFixed(2)}`,
    `bare fresh node:vm context / bare fresh instance (what node:vm's global interceptors cost): ${(p50(vmMs) / p50(coldMs)).toFixed(2)}`,
  );
  lines.push("", ...(await diagnosisShare(options.runs, options.warmupRuns)));
  process.stdout.write(`${lines.join("\n")}\n`);
}

interface Summary {
  total: number[];
  compile: number[];
  typecheck: number[];
  dispatch: number[];
  isolate: number[];
  run: number[];
  compare: number[];
  studentCode: number[];
  outsideRun: number[];
  fixed: number[];
}

function summarize(reports: readonly Report[]): Summary {
  const timings = (key: Exclude<keyof Report["timings"], "diagnoseMs">) => reports.map((r) => r.timings[key]);
  const studentCode = reports.map((r) => r.exercises.reduce((sum, e) => sum + e.cases.reduce((s, c) => s + (c.durationMs ?? 0), 0), 0));
  if (studentCode.some((ms) => !(ms > 0))) throw new Error("a report's cases carry no durationMs: the bench cannot separate student code from overhead");
  return {
    total: timings("totalMs"),
    compile: timings("compileMs"),
    typecheck: timings("typecheckMs"),
    dispatch: timings("dispatchMs"),
    isolate: timings("isolateMs"),
    run: timings("runMs"),
    compare: timings("compareMs"),
    studentCode,
    outsideRun: reports.map((r) => r.timings.totalMs - r.timings.runMs),
    // Everything but running student code: the sandbox's own run-phase work (copying, converting) counts as overhead.
    fixed: reports.map((r, i) => r.timings.totalMs - studentCode[i]!),
  };
}

function parseOptions(argv: readonly string[]): GraderBenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: { runs: { type: "string", default: "200" }, warmup: { type: "string", default: "5" }, typecheck: { type: "string", default: "both" } },
    allowPositionals: true,
    strict: true,
  });
  const runs = Number(values.runs);
  const warmupRuns = Number(values.warmup);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive integer, got ${JSON.stringify(values.runs)}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new Error(`--warmup must be a non-negative integer, got ${JSON.stringify(values.warmup)}`);
  const modes: Record<string, TypecheckMode[]> = { both: ["off", "on"], on: ["on"], off: ["off"] };
  const chosen = modes[values.typecheck ?? "both"];
  if (chosen === undefined) throw new Error(`--typecheck must be both, on or off, got ${JSON.stringify(values.typecheck)}`);
  return { runs, warmupRuns, modes: chosen };
}

/** Nearest-rank percentile of unsorted samples. */
const percentile = (samples: readonly number[], p: number): number => quantile([...samples].sort((a, b) => a - b), p / 100);

function phaseTable(modes: readonly TypecheckMode[], rows: readonly Row[]): string {
  const header = ["phase", ...modes.flatMap((m) => [`tc ${m} p50`, `tc ${m} p99`])];
  const body = rows.map(([phase, perMode]) => [phase, ...perMode.flatMap((samples) => [percentile(samples, 50).toFixed(2), percentile(samples, 99).toFixed(2)])]);
  return formatTable(header, body, { leftColumns: 1, rule: true });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchGrader(process.argv.slice(2));
}

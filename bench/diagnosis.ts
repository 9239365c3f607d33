import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader, parseGraderConfig, type Report } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { NOISE_SUBMISSION } from "../tests/mistakes/noise.ts";
import { applyEdits, MISTAKE_SUBMISSIONS } from "../tests/mistakes/submissions.ts";
import { quantile } from "./lib/stats.ts";

const TARGET_DIAGNOSIS_SHARE = 0.05;

/**
 * What naming mistakes costs, as a share of grading time (report.timings.diagnoseMs / totalMs), for
 * two kinds of wrong submission: seeded noise of the right shapes (every case wrong, no mistake
 * matches, so every comparison runs to its end: the worst case) and each catalogued mistake's own
 * submission (tests/mistakes/), graded one at a time.
 */
export async function diagnosisShare(runs: number, warmupRuns: number): Promise<string[]> {
  const config = parseGraderConfig({ typecheck: false });
  const silent = { debug() {}, info() {}, warn() {}, error() {} };
  const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, maxOutputElements: config.maxOutputElements, log: silent });
  const grader = createGrader({ pool, exercises, log: silent, config });
  const mistakeSources = MISTAKE_SUBMISSIONS.map((s) => ({ source: applyEdits(solutionModule([s.exercise]), s.edits), exercises: [s.exercise] }));
  const noiseShares: number[] = [];
  const mistakeShares: number[] = [];
  const share = (r: Report) => (r.timings.diagnoseMs ?? 0) / r.timings.totalMs;
  try {
    for (let i = 0; i < warmupRuns + runs; i++) {
      const noise = await grader.grade({ source: NOISE_SUBMISSION });
      if (i >= warmupRuns) noiseShares.push(share(noise));
    }
    // Every mistake's submission once per round; fewer rounds, as one round is 31 gradings.
    for (let round = 0; round < Math.max(1, Math.ceil(runs / 10)); round++) {
      for (const input of mistakeSources) mistakeShares.push(share(await grader.grade(input)));
    }
  } finally {
    await grader.close();
    await pool.close(1000);
  }
  const p = (xs: number[], q: number) => quantile([...xs].sort((a, b) => a - b), q);
  const line = (what: string, xs: number[]) =>
    `diagnosis share of grading time, ${what}: p50 ${(100 * p(xs, 0.5)).toFixed(2)}%, p99 ${(100 * p(xs, 0.99)).toFixed(2)}% (target p50 < ${100 * TARGET_DIAGNOSIS_SHARE}%: ${p(xs, 0.5) < TARGET_DIAGNOSIS_SHARE ? "met" : "MISSED"})`;
  return [line(`seeded noise, ${noiseShares.length} submissions`, noiseShares), line(`one submission per catalogued mistake, ${mistakeShares.length} submissions`, mistakeShares)];
}

// `npm run bench -- similarity [--sizes 200,1000]`: time and peak memory of `autograde similarity`'s
// comparison (Dolos) over N synthetic submissions, each size in a fresh process, reported as ratios
// to the smallest size measured in the same run.
import { execFileSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { findSimilar } from "../grader/similarity/similarity.ts";
import { starterModule } from "../exercises/index.ts";
import { syntheticClass } from "../tests/grade-all-corpus.ts";
import { formatTable } from "./lib/stats.ts";

async function child(n: number): Promise<void> {
  const files = syntheticClass(n);
  const started = performance.now();
  const result = await findSimilar(files, { ignore: [starterModule()] });
  const ms = performance.now() - started;
  process.stdout.write(JSON.stringify({ n, ms, pairs: result.pairs.length, maxRssMb: process.resourceUsage().maxRSS / 1024, heapMb: process.memoryUsage().heapUsed / 2 ** 20 }));
}

interface Measured {
  n: number;
  ms: number;
  pairs: number;
  maxRssMb: number;
  heapMb: number;
}

export default async function similarityBench(args: readonly string[]): Promise<void> {
  if (args[0] === "--child") return child(Number(args[1]));
  const sizesArg = args.indexOf("--sizes") >= 0 ? args[args.indexOf("--sizes") + 1] : undefined;
  const sizes = (sizesArg ?? "200,1000").split(",").map(Number);
  const runner = fileURLToPath(new URL("./run.ts", import.meta.url));
  const measured: Measured[] = sizes.map((n) => {
    const out = execFileSync(process.execPath, ["--import", "tsx", runner, "similarity", "--child", String(n)], { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
    return JSON.parse(out) as Measured;
  });
  const base = measured[0] as Measured;
  const rows = measured.map((m) => [
    String(m.n),
    String(m.pairs),
    (m.ms / 1000).toFixed(2),
    (m.ms / base.ms).toFixed(2),
    ((m.n * (m.n - 1)) / (base.n * (base.n - 1))).toFixed(1),
    m.maxRssMb.toFixed(0),
    (m.maxRssMb / base.maxRssMb).toFixed(2),
  ]);
  console.log(`similarity: Dolos over synthetic classes, starter ignored; ${availableParallelism()} cores, load ${loadavg()[0]?.toFixed(2)}`);
  console.log(formatTable(["submissions", "pairs measured (cap 1000)", "seconds", "time ×", "pairs ×", "peak RSS MB", "RSS ×"], rows, { rule: true }));
}

// `npm run bench -- reference [--runs N] [--warmup N] [--no-numpy]`: the reference kernels against
// TensorFlow.js's CPU backend (float32) and numpy (float64, one thread), on the same shapes in one run.
import { spawnSync } from "node:child_process";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import {
  conv_backward,
  conv_forward,
  convOutputShape,
  pool_backward_accumulate,
  pool_forward,
  poolOutputShape,
  RandomState,
  type PoolMode,
} from "../reference/index.ts";
import { formatTable } from "./lib/stats.ts";

type Shape4 = [number, number, number, number];
type ConvRow = { id: string; op: "conv_forward" | "conv_backward"; shape: Shape4; filter: Shape4; stride: number; pad: number };
type PoolRow = { id: string; op: "pool_forward" | "pool_backward"; shape: Shape4; f: number; stride: number; mode: PoolMode };
type Row = ConvRow | PoolRow;

const isConv = (row: Row): row is ConvRow => row.op === "conv_forward" || row.op === "conv_backward";

const CONV_SHAPES: { shape: Shape4; filter: Shape4; stride: number; pad: number }[] = [
  { shape: [64, 32, 32, 3], filter: [3, 3, 3, 16], stride: 1, pad: 1 },
  { shape: [32, 28, 28, 16], filter: [5, 5, 16, 32], stride: 2, pad: 2 },
];
const POOL_SHAPES: { shape: Shape4; f: number; stride: number }[] = [
  { shape: [64, 32, 32, 16], f: 2, stride: 2 },
  { shape: [32, 28, 28, 32], f: 3, stride: 1 },
];

function rows(): Row[] {
  const out: Row[] = [];
  for (const op of ["conv_forward", "conv_backward"] as const) {
    for (const c of CONV_SHAPES) out.push({ id: `${op} ${describe(c)}`, op, ...c });
  }
  for (const op of ["pool_forward", "pool_backward"] as const) {
    for (const mode of ["max", "average"] as const) {
      for (const p of POOL_SHAPES) out.push({ id: `${op} ${mode} ${describe(p)}`, op, mode, ...p });
    }
  }
  return out;
}

function describe(row: { shape: Shape4; filter?: Shape4; f?: number; stride: number; pad?: number }): string {
  const input = `(${row.shape.join(",")})`;
  return row.filter ? `${input}x(${row.filter.join(",")}) p${row.pad} s${row.stride}` : `${input} f${row.f} s${row.stride}`;
}

// V8 needs several calls before a kernel runs its fully optimised code (the first ones run on-stack
// replaced loops), so a short warm-up understates every JS column.
const WARMUP_RUNS = 10;
/** Baselines slower than this per call get fewer runs, so the whole bench stays within minutes. */
const SLOW_CALL_MS = 1000;
const SLOW_RUNS = 3;

/**
 * Median CPU time (user + system) of one call. Every timed op runs on one thread, so on an idle machine
 * this is the wall time; unlike wall time it does not count waiting while other processes use the cores.
 */
function medianCpuMs(run: () => void, warmup: number, runs: number): number {
  const timeOne = () => {
    const start = process.cpuUsage();
    run();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / 1000;
  };
  const first = timeOne();
  const slow = first > SLOW_CALL_MS;
  for (let i = 1; i < (slow ? 1 : warmup); i++) timeOne();
  const times = Array.from({ length: slow ? Math.min(runs, SLOW_RUNS) : runs }, timeOne).sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function oursRunner(row: Row, random: RandomState): () => void {
  const A = random.randn(...row.shape);
  if (isConv(row)) {
    const W = random.randn(...row.filter);
    const b = random.randn(1, 1, 1, row.filter[3] as number);
    const hp = { stride: row.stride, pad: row.pad };
    if (row.op === "conv_forward") return () => void conv_forward(A, W, b, hp);
    const [Z, cache] = conv_forward(A, W, b, hp);
    const dZ = random.randn(...Z.shape);
    return () => void conv_backward(dZ, cache);
  }
  const hp = { f: row.f, stride: row.stride };
  if (row.op === "pool_forward") return () => void pool_forward(A, hp, row.mode);
  const [out, cache] = pool_forward(A, hp, row.mode);
  const dA = random.randn(...out.shape);
  // The true gradient, as TensorFlow.js and numpy compute it; the assigning QUIRK costs the same.
  return () => void pool_backward_accumulate(dA, cache, row.mode);
}

function tfjsRunner(row: Row): { run: () => void; dispose: () => void } {
  const x = tf.randomNormal(row.shape) as tf.Tensor4D;
  const held: tf.Tensor[] = [x];
  const strides: [number, number] = [row.stride, row.stride];
  let run: () => void;
  if (isConv(row)) {
    const filter = tf.randomNormal(row.filter) as tf.Tensor4D;
    const [m, nH, nW, c] = convOutputShape(row.shape, row.filter, { stride: row.stride, pad: row.pad });
    const dy = tf.randomNormal([m, nH, nW, c]) as tf.Tensor4D;
    held.push(filter, dy);
    const pad = row.pad;
    run =
      row.op === "conv_forward"
        ? () => tf.tidy(() => void tf.conv2d(x, filter, strides, pad).dataSync())
        : () =>
            tf.tidy(() => {
              const attrs = { strides, pad, dataFormat: "NHWC" };
              const dx = tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: row.shape }) as tf.Tensor;
              const dw = tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: row.filter }) as tf.Tensor;
              dx.dataSync();
              dw.dataSync();
              tf.sum(dy, [0, 1, 2]).dataSync();
            });
  } else {
    const size: [number, number] = [row.f, row.f];
    const pool = (input: tf.Tensor4D) => (row.mode === "max" ? tf.maxPool(input, size, strides, "valid") : tf.avgPool(input, size, strides, "valid"));
    if (row.op === "pool_forward") {
      run = () => tf.tidy(() => void pool(x).dataSync());
    } else {
      const output = pool(x);
      const dy = tf.randomNormal(poolOutputShape(row.shape, { f: row.f, stride: row.stride }));
      held.push(output, dy);
      const attrs = { filterSize: size, strides, pad: "valid" };
      run = () =>
        tf.tidy(() => {
          const grad =
            row.mode === "max"
              ? tf.engine().runKernel(tf.MaxPoolGrad, { dy, input: x, output }, attrs)
              : tf.engine().runKernel(tf.AvgPoolGrad, { dy, input: x }, attrs);
          (grad as tf.Tensor).dataSync();
        });
    }
  }
  return { run, dispose: () => held.forEach((t) => t.dispose()) };
}

function numpyTimings(all: Row[], warmup: number, runs: number): { ms: Record<string, number>; note: string } {
  const script = fileURLToPath(new URL("numpy_reference.py", import.meta.url));
  const result = spawnSync("python3", [script, String(warmup), String(runs)], {
    input: JSON.stringify(all),
    encoding: "utf8",
    env: { ...process.env, OMP_NUM_THREADS: "1", OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    maxBuffer: 1 << 20,
  });
  if (result.error || result.status !== 0) {
    const reason = result.error?.message ?? result.stderr.trim().split("\n").pop() ?? `exit ${result.status}`;
    return { ms: {}, note: `numpy skipped: ${reason}` };
  }
  const parsed = JSON.parse(result.stdout) as { numpy: string; ms: Record<string, number> };
  return { ms: parsed.ms, note: `numpy ${parsed.numpy}, float64, OMP/OPENBLAS_NUM_THREADS=1` };
}

function convFlops(row: Row): number | undefined {
  if (!isConv(row)) return undefined;
  const [m, nH, nW, c] = convOutputShape(row.shape, row.filter, { stride: row.stride, pad: row.pad });
  const [f, , cPrev] = row.filter as [number, number, number, number];
  const forward = 2 * m * nH * nW * c * f * f * cPrev;
  return row.op === "conv_forward" ? forward : 2 * forward; // dA_prev and dW each cost one forward
}

function option(args: readonly string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} needs a positive integer`);
  return value;
}

export default async function benchReference(args: readonly string[]): Promise<void> {
  const warmup = option(args, "--warmup", WARMUP_RUNS);
  const runs = option(args, "--runs", 7);
  await tf.setBackend("cpu");
  await tf.ready();
  const all = rows();
  const random = new RandomState(0);
  const ours = new Map<string, number>();
  const tfjs = new Map<string, number>();
  for (const row of all) {
    ours.set(row.id, medianCpuMs(oursRunner(row, random), warmup, runs));
    const runner = tfjsRunner(row);
    tfjs.set(row.id, medianCpuMs(runner.run, warmup, runs));
    runner.dispose();
  }
  const numpy = args.includes("--no-numpy") ? { ms: {}, note: "numpy skipped: --no-numpy" } : numpyTimings(all, warmup, runs);

  const header = ["op", "shape", "ours ms", "tfjs ms", "numpy ms", "ours/tfjs speed", "numpy/ours", "GFLOP/s"];
  const table = all.map((row) => {
    const oursMs = ours.get(row.id) as number;
    const tfjsMs = tfjs.get(row.id) as number;
    const numpyMs = numpy.ms[row.id];
    const flops = convFlops(row);
    const [op, ...shape] = row.id.split(" ");
    const label = row.op.startsWith("pool") ? `${op} ${shape.shift()}` : op;
    return [
      label as string,
      shape.join(" "),
      oursMs.toFixed(2),
      tfjsMs.toFixed(2),
      numpyMs === undefined ? "-" : numpyMs.toFixed(2),
      `${(tfjsMs / oursMs).toFixed(2)}x`,
      numpyMs === undefined ? "-" : `${(numpyMs / oursMs).toFixed(2)}x`,
      flops === undefined ? "" : (flops / oursMs / 1e6).toFixed(2),
    ];
  });
  console.log(`reference kernels (float64) vs tfjs-core ${tf.version_core} cpu backend (float32)`);
  console.log(`median CPU time of ${runs} runs after ${warmup} warm-up (${SLOW_RUNS} runs, 1 warm-up for calls over ${SLOW_CALL_MS} ms)`);
  console.log(numpy.note);
  // CPU time keeps other processes' work out, but not their cache pollution: say how busy the box was.
  console.log(`load average during the run: ${loadavg().map((l) => l.toFixed(2)).join(" ")} (${availableParallelism()} cores)`);
  console.log("ratios above 1 mean ours is faster; GFLOP/s counts 2 flops per multiply-add (backward = dA_prev + dW)");
  console.log(formatTable(header, table, { leftColumns: 2 }));
}

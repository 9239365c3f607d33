// The model solutions, run as a student's module would be (one module, "@autograde/np" bundled separately),
// against the reference kernels; and the starters, which must score nothing.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { buildSync, transformSync } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as ref from "../../reference/index.ts";
import type * as NpModule from "./index.ts";
import { snippetModule, type SnippetKind } from "./snippets.testkit.ts";

type Tensor = { readonly shape: readonly number[]; readonly data: Float64Array };
type StudentModule = Record<string, (...args: unknown[]) => unknown>;

let dir: string;
let np: typeof NpModule;
const modules = {} as Record<SnippetKind, StudentModule>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-np-"));
  const npSource = buildSync({
    entryPoints: [new URL("./index.ts", import.meta.url).pathname],
    bundle: true,
    format: "esm",
    write: false,
  }).outputFiles[0]!.text;
  writeFileSync(join(dir, "np.mjs"), npSource);
  np = (await import(pathToFileURL(join(dir, "np.mjs")).href)) as typeof NpModule;
  for (const kind of ["solution", "starter"] as const) {
    const { code } = transformSync(snippetModule(kind), { loader: "ts", format: "esm" });
    expect(code).toContain('from "@autograde/np"');
    writeFileSync(join(dir, `${kind}.mjs`), code.replaceAll('from "@autograde/np"', 'from "./np.mjs"'));
    modules[kind] = (await import(pathToFileURL(join(dir, `${kind}.mjs`)).href)) as StudentModule;
  }
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Inputs reach student code as the helper module's NDArray, each with its own buffer. */
const wrap = (t: Tensor): NpModule.NDArray => new np.NDArray([...t.shape], t.data.slice());

const randn = (rng: ref.RandomState, ...dims: number[]): Tensor => rng.randn(...dims);

/** Why `got` is not within the spec's tolerance of `want`, or null when it is. */
function mismatch(got: unknown, want: unknown, path = "result"): string | null {
  if (typeof want === "number") {
    if (typeof got !== "number") return `${path}: expected a number, got ${typeof got}`;
    return Math.abs(got - want) <= 1e-7 + 1e-7 * Math.abs(want) ? null : `${path}: ${got} vs ${want}`;
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return `${path}: expected a tuple of ${want.length}`;
    for (let i = 0; i < want.length; i++) {
      const bad = mismatch(got[i], want[i], `${path}[${i}]`);
      if (bad) return bad;
    }
    return null;
  }
  const w = want as Tensor;
  const g = got as Tensor;
  if (typeof got !== "object" || got === null || !(g.data instanceof Float64Array)) return `${path}: expected a tensor`;
  if (g.shape.join() !== w.shape.join()) return `${path}: shape (${g.shape}) vs (${w.shape})`;
  for (let i = 0; i < w.data.length; i++) {
    const bad = mismatch(g.data[i], w.data[i], `${path}.data[${i}]`);
    if (bad) return bad;
  }
  return null;
}

/** One case: the arguments (tensors as Tensor) and what the reference answers. */
interface Case {
  readonly name: string;
  readonly exercise: string;
  readonly args: readonly unknown[];
  /** The graded part of the student's return value (Z of [Z, cache], ...). */
  readonly graded?: (output: unknown) => unknown;
  readonly expected: unknown;
}

const isTensor = (x: unknown): x is Tensor =>
  typeof x === "object" && x !== null && (x as Tensor).data instanceof Float64Array;
const toStudent = (x: unknown): unknown =>
  isTensor(x) ? wrap(x) : Array.isArray(x) ? x.map(toStudent) : x;
const first = (output: unknown): unknown => (output as unknown[])[0];

function convCases(): Case[] {
  const shapes = [
    { a: [10, 4, 4, 3], f: 2, c: 8, stride: 1, pad: 2, bias: "(1,1,C_prev,C)" },
    { a: [2, 5, 7, 3], f: 3, c: 4, stride: 1, pad: 0, bias: "(1,1,1,C)" },
    { a: [2, 6, 5, 2], f: 3, c: 3, stride: 2, pad: 1, bias: "(1,1,C_prev,C)" },
    { a: [1, 7, 7, 1], f: 2, c: 2, stride: 3, pad: 2, bias: "(1,1,1,C)" },
    { a: [3, 4, 6, 2], f: 1, c: 2, stride: 1, pad: 1, bias: "(1,1,1,C)" },
    { a: [2, 4, 4, 3], f: 4, c: 2, stride: 1, pad: 0, bias: "(1,1,C_prev,C)" },
  ];
  return shapes.flatMap(({ a, f, c, stride, pad, bias }, k) => {
    const rng = new ref.RandomState(k + 1);
    const A_prev = randn(rng, ...a);
    const W = randn(rng, f, f, a[3]!, c);
    const b = bias === "(1,1,1,C)" ? randn(rng, 1, 1, 1, c) : randn(rng, 1, 1, a[3]!, c);
    const hparameters = { stride, pad };
    const [Z, cache] = ref.conv_forward(A_prev, W, b, hparameters);
    const dZ = randn(rng, ...Z.shape);
    const name = `A=[${a}] W=[${f},${f},${a[3]},${c}] b=${bias} s=${stride} p=${pad}`;
    return [
      { name, exercise: "conv_forward", args: [A_prev, W, b, hparameters], graded: first, expected: Z },
      { name, exercise: "conv_backward", args: [dZ, [...cache]], expected: ref.conv_backward(dZ, cache) },
    ];
  });
}

function poolCases(): Case[] {
  const shapes = [
    { a: [2, 4, 4, 3], f: 4, stride: 1 },
    { a: [5, 5, 3, 2], f: 2, stride: 1 },
    { a: [2, 6, 7, 3], f: 2, stride: 2 },
    { a: [1, 7, 5, 2], f: 3, stride: 2 },
    { a: [3, 7, 7, 1], f: 3, stride: 3 },
    { a: [2, 5, 4, 2], f: 1, stride: 2 },
  ];
  return shapes.flatMap(({ a, f, stride }, k) =>
    (["max", "average"] as const).flatMap((mode) => {
      const rng = new ref.RandomState(100 + k);
      const A_prev = randn(rng, ...a);
      const hparameters = { f, stride };
      const [A, cache] = ref.pool_forward(A_prev, hparameters, mode);
      const dA = randn(rng, ...A.shape);
      const name = `A=[${a}] f=${f} s=${stride} ${mode}`;
      return [
        { name, exercise: "pool_forward", args: [A_prev, hparameters, mode], graded: first, expected: A },
        { name, exercise: "pool_backward", args: [dA, [...cache], mode], expected: ref.pool_backward(dA, cache, mode) },
      ];
    }),
  );
}

function smallCases(): Case[] {
  const cases: Case[] = [];
  for (const [k, { x, pad }] of [
    { x: [4, 3, 3, 2], pad: 2 },
    { x: [1, 4, 5, 1], pad: 1 },
    { x: [2, 3, 3, 3], pad: 0 },
  ].entries()) {
    const X = randn(new ref.RandomState(200 + k), ...x);
    cases.push({ name: `x=[${x}] p=${pad}`, exercise: "zero_pad", args: [X, pad], expected: ref.zero_pad(X, pad) });
  }
  for (const [k, { f, c, bias }] of [
    { f: 4, c: 3, bias: "(1,1,C_prev)" },
    { f: 3, c: 2, bias: "(1,1,1)" },
    { f: 1, c: 1, bias: "(1,1,1)" },
  ].entries()) {
    const rng = new ref.RandomState(300 + k);
    const a = randn(rng, f, f, c);
    const W = randn(rng, f, f, c);
    const b = bias === "(1,1,1)" ? randn(rng, 1, 1, 1) : randn(rng, 1, 1, c);
    const name = `a_slice=[${f},${f},${c}] b=${bias}`;
    cases.push({ name, exercise: "convolve_window", args: [a, W, b], expected: ref.convolve_window(a, W, b) });
  }
  const masks: Tensor[] = [
    randn(new ref.RandomState(1), 2, 2, 2),
    randn(new ref.RandomState(2), 3, 3),
    ref.tensor([2, 3], [1, 4, -2, 4, 0, 4]),
    ref.tensor([1], [-3]),
  ];
  for (const x of masks) {
    cases.push({ name: `x=[${x.shape}] ${[...x.data].slice(0, 3).map((v) => v.toFixed(2))}...`, exercise: "create_mask_from_window", args: [x], expected: ref.create_mask_from_window(x) });
  }
  for (const { dz, shape } of [
    { dz: 2, shape: [2, 2] as [number, number] },
    { dz: -1.5, shape: [3, 4] as [number, number] },
    { dz: 7, shape: [1, 1] as [number, number] },
  ]) {
    cases.push({ name: `dz=${dz} shape=[${shape}]`, exercise: "distribute_value", args: [dz, shape], expected: ref.distribute_value(dz, shape) });
  }
  return cases;
}

const cases = [...smallCases(), ...convCases(), ...poolCases()];

describe("model solutions match the reference", () => {
  it.each(cases.map((c) => [`${c.exercise} ${c.name}`, c] as const))("%s", (_name, c) => {
    const args = c.args.map(toStudent);
    const before = JSON.stringify(args, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v));
    const output = modules.solution[c.exercise]!(...args);
    expect(mismatch(c.graded ? c.graded(output) : output, c.expected)).toBeNull();
    const after = JSON.stringify(args, (_k, v: unknown) => (v instanceof Float64Array ? [...v] : v));
    expect(after, "the solution must not modify its inputs").toBe(before);
  });

  it("conv_forward and pool_forward return the inputs they were given as the cache", () => {
    const convCase = cases.find((c) => c.exercise === "conv_forward")!;
    const convArgs = convCase.args.map(toStudent);
    const [, convCache] = modules.solution.conv_forward!(...convArgs) as [unknown, unknown[]];
    convCache.forEach((entry, i) => expect(entry).toBe(convArgs[i]));
    const poolCase = cases.find((c) => c.exercise === "pool_forward")!;
    const poolArgs = poolCase.args.map(toStudent);
    const [, poolCache] = modules.solution.pool_forward!(...poolArgs) as [unknown, unknown[]];
    expect(poolCache).toEqual([poolArgs[0], poolArgs[1]]);
    expect(poolCache[0]).toBe(poolArgs[0]);
  });

  it("pool_backward assigns like the worksheet where windows overlap, instead of accumulating", () => {
    const overlapping = cases.filter((c) => c.exercise === "pool_backward" && c.name.startsWith("A=[5,5,3,2] f=2 s=1"));
    expect(overlapping).toHaveLength(2);
    for (const c of overlapping) {
      const [dA, cache, mode] = c.args as [Tensor, ref.PoolCache, ref.PoolMode];
      const accumulated = ref.pool_backward_accumulate(dA, cache, mode);
      expect(mismatch(accumulated, c.expected), "the case must tell the variants apart").not.toBeNull();
      expect(mismatch(modules.solution.pool_backward!(...c.args.map(toStudent)), accumulated)).not.toBeNull();
    }
  });

  it("mode defaults to max", () => {
    const c = cases.find((x) => x.exercise === "pool_backward" && x.name.endsWith("max"))!;
    const [dA, cache] = c.args;
    expect(mismatch(modules.solution.pool_backward!(toStudent(dA), toStudent(cache)), c.expected)).toBeNull();
  });
});

describe("starters score nothing", () => {
  it.each(cases.map((c) => [`${c.exercise} ${c.name}`, c] as const))("%s", (_name, c) => {
    let output: unknown;
    try {
      output = modules.starter[c.exercise]!(...c.args.map(toStudent));
    } catch {
      return;
    }
    expect(mismatch(c.graded ? c.graded(output) : output, c.expected)).not.toBeNull();
  });
});

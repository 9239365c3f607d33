import { describe, expect, it } from "vitest";
import { conv_forward, RandomState, type Tensor } from "../reference/index.ts";
import { EXERCISE_IDS, getExercise, type CaseRecipe, type ExerciseId, type Value } from "./index.ts";
import { LARGE_CASE_TIME_LIMIT_MS } from "./lib/cases.ts";

/** A bit-exact fingerprint: Float64Array bytes as hex, everything else as JSON. */
function bits(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v instanceof Float64Array ? `f64:${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("hex")}` : v,
  );
}

function tensorAt(value: Value | undefined): Tensor {
  const t = value as Tensor;
  if (!(t?.data instanceof Float64Array)) throw new Error(`not a tensor: ${JSON.stringify(value)}`);
  return t;
}

const dims = (t: Tensor) => t.shape as [number, number, number, number];
const allNegative = (t: Tensor) => t.data.every((x) => x < 0);
const hidden = (id: ExerciseId) => getExercise(id).cases.filter((c) => !c.visible);
const visible = (id: ExerciseId) => getExercise(id).cases.filter((c) => c.visible);

/** What the spec says each worksheet example is, drawn here independently of the catalogue. */
const WORKSHEET_ARGS: Record<ExerciseId, () => Value[][]> = {
  zero_pad: () => [[new RandomState(1).randn(4, 3, 3, 2), 2]],
  convolve_window: () => {
    const rng = new RandomState(1);
    return [[rng.randn(4, 4, 3), rng.randn(4, 4, 3), rng.randn(1, 1, 3)]];
  },
  conv_forward: () => {
    const rng = new RandomState(1);
    return [[rng.randn(10, 4, 4, 3), rng.randn(2, 2, 3, 8), rng.randn(1, 1, 3, 8), { stride: 1, pad: 2 }]];
  },
  conv_backward: () => {
    const rng = new RandomState(1);
    const [A_prev, W, b] = [rng.randn(10, 4, 4, 3), rng.randn(2, 2, 3, 8), rng.randn(1, 1, 3, 8)];
    const [Z] = conv_forward(A_prev, W, b, { stride: 1, pad: 2 });
    return [[Z, [A_prev, W, b, { stride: 1, pad: 2 }]]];
  },
  pool_forward: () => (["max", "average"] as const).map((mode) => [new RandomState(1).randn(2, 4, 4, 3), { f: 4, stride: 1 }, mode]),
  create_mask_from_window: () => [[new RandomState(1).randn(2, 2, 2)]],
  distribute_value: () => [[2, [2, 2]]],
  pool_backward: () =>
    (["max", "average"] as const).map((mode) => {
      const rng = new RandomState(1);
      const A_prev = rng.randn(5, 5, 3, 2);
      const dA = rng.randn(5, 4, 2, 2);
      return [dA, [A_prev, { f: 2, stride: 1 }], mode];
    }),
};

describe("visible cases are the worksheet's examples", () => {
  it.each(EXERCISE_IDS)("%s", (id) => {
    const cases = visible(id);
    expect(cases.map((c) => c.seed)).toEqual(cases.map(() => 1));
    expect(cases.map((c) => bits(c.build()))).toEqual(WORKSHEET_ARGS[id]().map(bits));
  });

  it("visible cases come first", () => {
    for (const id of EXERCISE_IDS) {
      const flags = getExercise(id).cases.map((c) => c.visible);
      expect(flags.indexOf(false)).toBe(flags.lastIndexOf(true) + 1);
    }
  });
});

describe("every case", () => {
  const all = EXERCISE_IDS.flatMap((id) => getExercise(id).cases.map((recipe) => [id, recipe.name, recipe] as const));

  it.each(EXERCISE_IDS)("%s: at least six hidden cases, names unique", (id) => {
    expect(hidden(id).length).toBeGreaterThanOrEqual(6);
    const names = getExercise(id).cases.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(all)("%s %s: builds bit-identically twice and has expected answers", (id, _name, recipe: CaseRecipe) => {
    const first = recipe.build();
    expect(bits(recipe.build())).toBe(bits(first));
    const variants = getExercise(id).expected(first);
    expect(variants.length).toBeGreaterThanOrEqual(1);
    if (id === "pool_backward") expect(variants.map((v) => v.name)).toEqual(["assign", "accumulate"]);
    else expect(variants.map((v) => v.name)).toEqual([undefined]);
    expect(bits(getExercise(id).expected(recipe.build()))).toBe(bits(variants));
  });
});

/** Multiply-adds of one conv pass: every output element sums f*f*C_prev products. */
function convMultiplyAdds(A_prev: Tensor, W: Tensor, hp: { stride: number; pad: number }): number {
  const [m, h, w] = dims(A_prev);
  const [f, , cPrev, c] = dims(W);
  const out = (n: number) => Math.floor((n - f + 2 * hp.pad) / hp.stride) + 1;
  return m * out(h) * out(w) * c * f * f * cPrev;
}

function poolElementVisits(A_prev: Tensor, hp: { f: number; stride: number }): number {
  const [m, h, w, c] = dims(A_prev);
  const out = (n: number) => Math.floor((n - hp.f) / hp.stride) + 1;
  return m * out(h) * out(w) * c * hp.f * hp.f;
}

type ConvFacts = { A_prev: Tensor; W: Tensor; b: Tensor; hp: { stride: number; pad: number } };
function convFacts(id: "conv_forward" | "conv_backward", args: Value[]): ConvFacts {
  const [A_prev, W, b, hp] = id === "conv_forward" ? args : (args[1] as Value[]);
  return { A_prev: tensorAt(A_prev), W: tensorAt(W), b: tensorAt(b), hp: hp as ConvFacts["hp"] };
}

describe.each(["conv_forward", "conv_backward"] as const)("%s hidden-case coverage", (id) => {
  const facts = hidden(id).map((c) => convFacts(id, c.build()));
  const some = (predicate: (f: ConvFacts) => boolean) => facts.some(predicate);

  it.each([
    ["stride 2", (f: ConvFacts) => f.hp.stride === 2],
    ["stride 3", (f: ConvFacts) => f.hp.stride === 3],
    ["pad 0", (f: ConvFacts) => f.hp.pad === 0],
    ["pad 1", (f: ConvFacts) => f.hp.pad === 1],
    ["f = 1", (f: ConvFacts) => f.W.shape[0] === 1],
    ["f = H", (f: ConvFacts) => f.W.shape[0] === f.A_prev.shape[1]],
    ["H != W", (f: ConvFacts) => f.A_prev.shape[1] !== f.A_prev.shape[2]],
    ["one input channel", (f: ConvFacts) => f.A_prev.shape[3] === 1],
    ["m = 1", (f: ConvFacts) => f.A_prev.shape[0] === 1],
    ["bias (1,1,1,C)", (f: ConvFacts) => f.b.shape[2] === 1 && f.A_prev.shape[3]! > 1],
    ["bias (1,1,C_prev,C)", (f: ConvFacts) => f.b.shape[2] === f.A_prev.shape[3] && f.A_prev.shape[3]! > 1],
    ["all-negative input", (f: ConvFacts) => allNegative(f.A_prev)],
    ["rows no window reaches", (f: ConvFacts) => (f.A_prev.shape[1]! + 2 * f.hp.pad - f.W.shape[0]!) % f.hp.stride !== 0],
  ])("has %s", (_what, predicate) => {
    expect(some(predicate)).toBe(true);
  });

  it("names its one large case as kept for the time limit, and gives it that limit", () => {
    const large = hidden(id).filter((c) => {
      const f = convFacts(id, c.build());
      return convMultiplyAdds(f.A_prev, f.W, f.hp) >= 5e5;
    });
    expect(large.map((c) => [c.timeLimitMs, c.name.endsWith(` large: time limit ${LARGE_CASE_TIME_LIMIT_MS} ms`)])).toEqual([[LARGE_CASE_TIME_LIMIT_MS, true]]);
  });

  it("has one case of about 1e6 multiply-adds", () => {
    const large = facts.map((f) => convMultiplyAdds(f.A_prev, f.W, f.hp)).filter((n) => n >= 5e5);
    expect(large).toHaveLength(1);
    expect(large[0]).toBeLessThanOrEqual(2e6);
  });

  if (id === "conv_backward") {
    it("dZ has the forward output's shape", () => {
      for (const c of hidden(id)) {
        const args = c.build();
        const { A_prev, W, hp } = convFacts(id, args);
        const [m, h, w] = dims(A_prev);
        const [f, , , channels] = dims(W);
        const out = (n: number) => Math.floor((n - f + 2 * hp.pad) / hp.stride) + 1;
        expect(tensorAt(args[0]).shape).toEqual([m, out(h), out(w), channels]);
      }
    });
  }
});

type PoolFacts = { A_prev: Tensor; hp: { f: number; stride: number }; mode: Value };
function poolFacts(id: "pool_forward" | "pool_backward", args: Value[]): PoolFacts {
  if (id === "pool_forward") return { A_prev: tensorAt(args[0]), hp: args[1] as PoolFacts["hp"], mode: args[2]! };
  const [A_prev, hp] = args[1] as Value[];
  return { A_prev: tensorAt(A_prev), hp: hp as PoolFacts["hp"], mode: args[2]! };
}

describe.each(["pool_forward", "pool_backward"] as const)("%s hidden-case coverage", (id) => {
  const facts = hidden(id).map((c) => poolFacts(id, c.build()));
  const some = (predicate: (f: PoolFacts) => boolean) => facts.some(predicate);

  it.each([
    ["stride 2", (f: PoolFacts) => f.hp.stride === 2],
    ["stride 3", (f: PoolFacts) => f.hp.stride === 3],
    ["f = 1", (f: PoolFacts) => f.hp.f === 1],
    ["f = H", (f: PoolFacts) => f.hp.f === f.A_prev.shape[1]],
    ["H != W", (f: PoolFacts) => f.A_prev.shape[1] !== f.A_prev.shape[2]],
    ["one channel", (f: PoolFacts) => f.A_prev.shape[3] === 1],
    ["m = 1", (f: PoolFacts) => f.A_prev.shape[0] === 1],
    ["overlapping windows (stride < f)", (f: PoolFacts) => f.hp.stride < f.hp.f],
    ["non-overlapping windows (stride >= f)", (f: PoolFacts) => f.hp.stride >= f.hp.f && f.hp.f > 1],
    ["gaps no window reaches (stride > f)", (f: PoolFacts) => f.hp.stride > f.hp.f],
    ["all-negative input in max mode", (f: PoolFacts) => allNegative(f.A_prev) && f.mode === "max"],
  ])("has %s", (_what, predicate) => {
    expect(some(predicate)).toBe(true);
  });

  // The large case is there for its time limit only (it catches no mistake a small case misses), so it runs once, in max mode.
  it("runs every geometry in both modes, mode passed explicitly, except the large one (max only, named and time-limited as such)", () => {
    const byGeometry = new Map<string, Value[]>();
    for (const f of facts) {
      const key = `${f.A_prev.shape} ${f.hp.f} ${f.hp.stride}`;
      byGeometry.set(key, [...(byGeometry.get(key) ?? []), f.mode]);
    }
    const large = hidden(id).filter((c) => c.name.includes("large"));
    expect(large.map((c) => [c.timeLimitMs, /mode=max large: time limit \d+ ms$/.test(c.name)])).toEqual([[LARGE_CASE_TIME_LIMIT_MS, true]]);
    const largeKey = `${poolFacts(id, large[0]!.build()).A_prev.shape}`;
    for (const [key, modes] of byGeometry) expect([...modes].sort()).toEqual(key.startsWith(`${largeKey} `) ? ["max"] : ["average", "max"]);
  });

  it("has one geometry of about 1e6 window-element visits", () => {
    const large = new Set(facts.filter((f) => poolElementVisits(f.A_prev, f.hp) >= 5e5).map((f) => `${f.A_prev.shape}`));
    expect(large.size).toBe(1);
    const f = facts.find((x) => `${x.A_prev.shape}` === [...large][0])!;
    expect(poolElementVisits(f.A_prev, f.hp)).toBeLessThanOrEqual(2e6);
  });
});

describe("small-exercise hidden-case coverage", () => {
  it("zero_pad: pad 0 and 1, H != W, one channel, m = 1", () => {
    const facts = hidden("zero_pad").map((c) => {
      const [x, pad] = c.build();
      return { shape: tensorAt(x).shape, pad: pad as number };
    });
    expect(facts.some((f) => f.pad === 0)).toBe(true);
    expect(facts.some((f) => f.pad === 1)).toBe(true);
    expect(facts.some((f) => f.shape[1] !== f.shape[2])).toBe(true);
    expect(facts.some((f) => f.shape[3] === 1)).toBe(true);
    expect(facts.some((f) => f.shape[0] === 1)).toBe(true);
  });

  it("convolve_window: f = 1, one channel, both bias shapes, all-negative window", () => {
    const facts = hidden("convolve_window").map((c) => c.build().map(tensorAt));
    expect(facts.some(([a]) => a!.shape[0] === 1)).toBe(true);
    expect(facts.some(([a]) => a!.shape[2] === 1)).toBe(true);
    expect(facts.some(([a, , b]) => b!.shape[2] === 1 && a!.shape[2]! > 1)).toBe(true);
    expect(facts.some(([a, , b]) => b!.shape[2] === a!.shape[2] && a!.shape[2]! > 1)).toBe(true);
    expect(facts.some(([a]) => allNegative(a!))).toBe(true);
  });

  it("create_mask_from_window: all negative, a repeated maximum, a constant window, one element", () => {
    const xs = hidden("create_mask_from_window").map((c) => tensorAt(c.build()[0]));
    const maxCount = (t: Tensor) => t.data.filter((v) => v === Math.max(...t.data)).length;
    expect(xs.some(allNegative)).toBe(true);
    expect(xs.some((t) => maxCount(t) > 1 && maxCount(t) < t.data.length)).toBe(true);
    expect(xs.some((t) => t.data.length > 1 && maxCount(t) === t.data.length)).toBe(true);
    expect(xs.some((t) => t.data.length === 1)).toBe(true);
  });

  it("distribute_value: negative and zero dz, a non-square and a 1x1 shape", () => {
    const facts = hidden("distribute_value").map((c) => c.build() as [number, [number, number]]);
    expect(facts.some(([dz]) => dz < 0)).toBe(true);
    expect(facts.some(([dz]) => dz === 0)).toBe(true);
    expect(facts.some(([, [h, w]]) => h !== w)).toBe(true);
    expect(facts.some(([, [h, w]]) => h === 1 && w === 1)).toBe(true);
  });

  it("pool_backward: overlapping cases tell assign from accumulate", () => {
    const differing = hidden("pool_backward").filter((c) => {
      const [assign, accumulate] = getExercise("pool_backward").expected(c.build());
      return bits(assign!.value) !== bits(accumulate!.value);
    });
    expect(differing.length).toBeGreaterThanOrEqual(2);
  });
});

import { describe, expect, it } from "vitest";
import { NDArray, add, equal, full, max, multiply, sum, zeros, type Index } from "./index.ts";

// The fast paths (4-axis walks, slab storage, one loop per operation) checked against a naive
// element-by-element model of numpy's semantics on seeded random shapes, 0 to 5 axes, so both
// the fast paths and the fallback past four axes are covered.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const intBelow = (r: () => number, n: number) => Math.floor(r() * n);

function randomArray(r: () => number, shape: number[]): NDArray {
  const size = shape.reduce((a, b) => a * b, 1);
  return new NDArray(shape, Float64Array.from({ length: size }, () => Math.round((r() * 20 - 10) * 4) / 4));
}

/** Every full index of `shape` in row-major order. */
function* indices(shape: readonly number[]): Generator<number[]> {
  if (shape.length === 0) {
    yield [];
    return;
  }
  const [head, ...rest] = shape;
  for (let i = 0; i < head!; i++) for (const tail of indices(rest)) yield [i, ...tail];
}

const at = (x: NDArray, index: readonly number[]) => x.data[index.reduce((o, v, k) => o * x.shape[k]! + v, 0)]!;

interface Pick { index: Index[]; shape: number[]; source: (regionIndex: readonly number[]) => number[] }

/** A random numpy-style index of `shape`: each axis an integer, a [start, end] range or null. */
function randomIndex(r: () => number, shape: readonly number[]): Pick {
  const index: Index[] = [];
  const out: number[] = [];
  const plan: ({ kind: "fixed"; at: number } | { kind: "range"; start: number })[] = [];
  for (const size of shape) {
    const roll = r();
    if (roll < 0.3) {
      const p = intBelow(r, size);
      index.push(p);
      plan.push({ kind: "fixed", at: p });
    } else if (roll < 0.7) {
      const start = intBelow(r, size + 1);
      const end = start + intBelow(r, size - start + 1);
      index.push([start, end]);
      out.push(end - start);
      plan.push({ kind: "range", start });
    } else {
      index.push(null);
      out.push(size);
      plan.push({ kind: "range", start: 0 });
    }
  }
  const source = (regionIndex: readonly number[]) => {
    let k = 0;
    return plan.map((p) => (p.kind === "fixed" ? p.at : p.start + regionIndex[k++]!));
  };
  return { index, shape: out, source };
}

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);
const randomShape = (r: () => number) => Array.from({ length: intBelow(r, 6) }, () => 1 + intBelow(r, 4));

describe("strided fast paths against a naive model", () => {
  it.each(SEEDS)("slice, assign and addAt agree with element-by-element indexing (seed %i)", (seed) => {
    const r = rng(seed);
    const shape = randomShape(r);
    const x = randomArray(r, shape);
    const pick = randomIndex(r, shape);
    const sliced = x.slice(...pick.index);
    expect(sliced.shape).toEqual(pick.shape);
    for (const i of indices(pick.shape)) expect(at(sliced, i)).toBe(at(x, pick.source(i)));

    // A value of the region's shape, one broadcast from a trailing axis, and a number.
    const values = [randomArray(r, pick.shape), randomArray(r, pick.shape.length > 0 ? [pick.shape.at(-1)!] : []), 2.5];
    for (const value of values) {
      for (const accumulate of [false, true]) {
        const target = randomArray(r, shape);
        const before = target.copy();
        if (accumulate) target.addAt(pick.index, value);
        else target.assign(pick.index, value);
        const written = new Set<string>();
        for (const i of indices(pick.shape)) {
          const v = typeof value === "number" ? value : at(value, i.slice(i.length - value.ndim));
          const src = pick.source(i);
          written.add(src.join(","));
          expect(at(target, src)).toBe(accumulate ? at(before, src) + v : v);
        }
        for (const i of indices(shape)) if (!written.has(i.join(","))) expect(at(target, i)).toBe(at(before, i));
      }
    }
  });

  it.each(SEEDS)("elementwise and reductions agree with element-by-element arithmetic (seed %i)", (seed) => {
    const r = rng(seed);
    const shape = randomShape(r);
    const a = randomArray(r, shape);
    // Same shape, a per-last-axis vector, a 1 in every axis, or a number.
    const choice = intBelow(r, 4);
    const b = choice === 0 ? randomArray(r, shape) : choice === 1 ? randomArray(r, shape.length > 0 ? [shape.at(-1)!] : []) : choice === 2 ? randomArray(r, shape.map(() => 1)) : 1.5;
    const bAt = (i: readonly number[]) => (typeof b === "number" ? b : b.ndim === 0 ? b.data[0]! : at(b, i.slice(i.length - b.ndim).map((v, k) => (b.shape[k] === 1 ? 0 : v))));
    const ops: [NDArray, (x: number, y: number) => number][] = [
      [add(a, b), (x, y) => x + y], [a.sub(b), (x, y) => x - y], [multiply(a, b), (x, y) => x * y], [a.div(b), (x, y) => x / y], [equal(a, b), (x, y) => (x === y ? 1 : 0)],
    ];
    for (const [result, f] of ops) {
      expect(result.shape).toEqual(shape);
      for (const i of indices(shape)) expect(result.data[i.reduce((o, v, k) => o * shape[k]! + v, 0)]).toBe(f(at(a, i), bAt(i)));
    }
    const values = [...a.data];
    expect(sum(a)).toBe(values.reduce((s, v) => s + v, 0));
    if (values.length > 0) {
      expect(max(a)).toBe(Math.max(...values));
      expect(a.min()).toBe(Math.min(...values));
    }
  });

  it("keeps results apart although small ones share storage", () => {
    const x = new NDArray([4, 4], Float64Array.from({ length: 16 }, (_, i) => i));
    const parts = Array.from({ length: 200 }, (_, i) => x.slice(i % 4));
    parts[0]!.data.fill(-1);
    parts.forEach((p, i) => expect([...p.data]).toEqual(i === 0 ? [-1, -1, -1, -1] : [0, 1, 2, 3].map((v) => v + 4 * (i % 4))));
    expect([...x.data]).toEqual(Array.from({ length: 16 }, (_, i) => i));
    expect([...zeros([3, 3]).data]).toEqual(new Array(9).fill(0));
  });

  it("propagates NaN through max and min as numpy does", () => {
    const x = new NDArray([3], Float64Array.of(1, NaN, 3));
    expect(max(x)).toBeNaN();
    expect(x.min()).toBeNaN();
  });
});

describe("filled arrays from slab storage", () => {
  it("keeps -0 and NaN as numpy's full does", () => {
    expect(Object.is(full([2], -0).data[1], -0)).toBe(true);
    expect(full([2], NaN).data[0]).toBeNaN();
    expect(Object.is(full([2], 0).data[0], 0)).toBe(true);
  });
});

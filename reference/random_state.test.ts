import { describe, expect, it } from "vitest";
import { loadFixture } from "./golden.ts";
import { RandomState } from "./random_state.ts";
import { ReferenceInputError } from "./tensor.ts";

type Call =
  | { op: "randn" | "rand"; dims: number[]; values: number[] }
  | { op: "randint"; low: number; high: number; values: number[] };
type Streams = { streams: { seed: number; calls: Call[] }[] };

const { streams } = loadFixture<Streams>("random_streams.json");

function describeCall(call: Call): string {
  return call.op === "randint" ? `randint(${call.low}, ${call.high}) x${call.values.length}` : `${call.op}(${call.dims.join(",")})`;
}

describe("RandomState reproduces numpy's legacy generator bit for bit", () => {
  for (const { seed, calls } of streams) {
    it(`seed=${seed}: ${calls.map(describeCall).join(", ")}`, () => {
      const random = new RandomState(seed);
      for (const [position, call] of calls.entries()) {
        const label = `call ${position}: ${describeCall(call)}`;
        if (call.op === "randint") {
          expect(call.values.map(() => random.randint(call.low, call.high)), label).toEqual(call.values);
          continue;
        }
        const drawn = call.op === "randn" ? random.randn(...call.dims) : random.rand(...call.dims);
        expect([...drawn.shape], label).toEqual(call.dims);
        const mismatch = call.values.findIndex((want, index) => drawn.data[index] !== want);
        expect(mismatch, `${label}: first value that is not bit-identical`).toBe(-1);
        expect(drawn.data.length, label).toBe(call.values.length);
      }
    });
  }

  it("seed=1 randn(2,3) starts with the worksheet's well-known 1.6243453636632417", () => {
    expect(new RandomState(1).randn(2, 3).data[0]).toBe(1.6243453636632417);
  });

  it("randn() with no dims is a shape-[] tensor holding one value", () => {
    const scalar = new RandomState(1).randn();
    expect(scalar.shape).toEqual([]);
    expect(scalar.data.length).toBe(1);
  });

  it("two generators with one seed give identical streams", () => {
    expect(new RandomState(7).randn(5, 3).data).toEqual(new RandomState(7).randn(5, 3).data);
  });
});

describe("RandomState rejects bad arguments", () => {
  const badSeeds: [string, unknown][] = [
    ["negative", -1],
    ["2**32", 2 ** 32],
    ["fractional", 1.5],
    ["NaN", Number.NaN],
    ["string", "1"],
  ];
  for (const [label, seed] of badSeeds) {
    it(`seed ${label}`, () => {
      expect(() => new RandomState(seed as number)).toThrow(ReferenceInputError);
      expect(() => new RandomState(seed as number)).toThrow(/seed must be an integer between 0 and 2\*\*32 - 1/);
    });
  }
  it("randn with a negative dimension", () => {
    expect(() => new RandomState(0).randn(2, -1)).toThrow(/randn dimension 1 must be >= 0/);
  });
  it("rand with a fractional dimension", () => {
    expect(() => new RandomState(0).rand(2.5)).toThrow(/rand dimension 0 must be an integer/);
  });
  it("randint with low >= high", () => {
    expect(() => new RandomState(0).randint(3, 3)).toThrow(/low \(3\) must be < high \(3\)/);
  });
  it("randint with a fractional bound", () => {
    expect(() => new RandomState(0).randint(0, 2.5)).toThrow(/randint high must be an integer/);
  });
  it("randint with a range above 2**32", () => {
    expect(() => new RandomState(0).randint(0, 2 ** 32 + 1)).toThrow(/high - low must be at most 2\*\*32/);
  });
});

import { describe, expect, it } from "vitest";
import type { Value } from "../../exercises/types.ts";
import { approximateBytes, createArgsEncoder, createArgsStore } from "./args-cache.ts";
import type { SandboxExercise } from "./protocol.ts";
import { exercise, tensor } from "./testing.ts";

const workerA = {};
const workerB = {};

function roundTrip(encoder: ReturnType<typeof createArgsEncoder>, store: ReturnType<typeof createArgsStore>, worker: object, exercises: SandboxExercise[]) {
  const encoded = encoder.encode(worker, exercises);
  return { encoded, decoded: store.decode(structuredClone(encoded)) };
}

const sentWhole = (encoded: ReturnType<ReturnType<typeof createArgsEncoder>["encode"]>) => encoded.exercises.flatMap((e) => e.cases.map((c) => c.args !== undefined));

describe("case arguments cached per worker", () => {
  const argsA: Value[] = [tensor([1, 2, 2, 1]), 1];
  const argsB: Value[] = [tensor([2, 1, 1, 1]), 0];
  const jobExercises = () => [exercise("zero_pad", [argsA, argsB])];

  it("sends arguments whole the first time and by number afterwards, decoding to equal values", () => {
    const encoder = createArgsEncoder();
    const store = createArgsStore();
    const first = roundTrip(encoder, store, workerA, jobExercises());
    const second = roundTrip(encoder, store, workerA, jobExercises());
    expect(sentWhole(first.encoded)).toEqual([true, true]);
    expect(sentWhole(second.encoded)).toEqual([false, false]);
    for (const { decoded } of [first, second]) expect(decoded[0]!.cases.map((c) => c.args)).toEqual([argsA, argsB]);
  });

  it("keeps separate books per worker: a new (respawned) worker gets everything whole", () => {
    const encoder = createArgsEncoder();
    roundTrip(encoder, createArgsStore(), workerA, jobExercises());
    const other = roundTrip(encoder, createArgsStore(), workerB, jobExercises());
    expect(sentWhole(other.encoded)).toEqual([true, true]);
  });

  it("the same arguments twice in one job are sent whole once", () => {
    const encoder = createArgsEncoder();
    const store = createArgsStore();
    const { encoded, decoded } = roundTrip(encoder, store, workerA, [exercise("zero_pad", [argsA, argsA])]);
    expect(sentWhole(encoded)).toEqual([true, false]);
    expect(decoded[0]!.cases[1]!.args).toEqual(argsA);
  });

  it("maxEntries=2, a third distinct case: the worker is told to forget and everything is resent", () => {
    const encoder = createArgsEncoder({ maxEntries: 2, maxBytes: 1e9 });
    const store = createArgsStore();
    roundTrip(encoder, store, workerA, jobExercises());
    const argsC: Value[] = [tensor([1, 1, 1, 1]), 2];
    const { encoded, decoded } = roundTrip(encoder, store, workerA, [exercise("zero_pad", [argsA, argsC])]);
    expect(encoded.resetArgsCache).toBe(true);
    expect(sentWhole(encoded)).toEqual([true, true]);
    expect(store.size()).toBe(2);
    expect(decoded[0]!.cases.map((c) => c.args)).toEqual([argsA, argsC]);
  });

  it("arguments larger than maxBytes travel whole every time and are never stored", () => {
    const encoder = createArgsEncoder({ maxEntries: 100, maxBytes: 64 });
    const store = createArgsStore();
    roundTrip(encoder, store, workerA, jobExercises());
    const again = roundTrip(encoder, store, workerA, jobExercises());
    expect(sentWhole(again.encoded)).toEqual([true, true]);
    expect(store.size()).toBe(0);
  });

  it("a reference the worker never received is an infrastructure error naming the case", () => {
    const store = createArgsStore();
    expect(() => store.decode({ resetArgsCache: false, exercises: [{ ...exercise("zero_pad", []), cases: [{ name: "case 0", timeoutMs: 10, argsId: 7 }] }] })).toThrow(
      /case "case 0" of zero_pad refers to arguments 7/,
    );
  });

  it.each([
    ["a 2x3 tensor", [tensor([2, 3])], 16 + 16 + (16 + 2 * 8) + 6 * 8],
    ["a number", [1], 16 + 8],
    ["a string", ["abcd"], 16 + 8],
  ] as const)("approximateBytes of %s", (_, value, bytes) => {
    expect(approximateBytes(value)).toBe(bytes);
  });
});

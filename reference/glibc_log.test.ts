import { describe, expect, it } from "vitest";
import { createGlibcLog } from "./glibc_log.ts";
import { loadFixture } from "./golden.ts";

const { log: samples } = loadFixture<{ log: [number, number][] }>("random_streams.json");

describe("createGlibcLog matches glibc's log (python3 math.log on the fixture machine)", () => {
  it(`is bit-identical on ${samples.length} samples: uniform, near 1, huge/tiny, subnormal, known hard cases`, () => {
    const log = createGlibcLog();
    const mismatches = samples.filter(([x, want]) => !Object.is(log(x), want));
    expect(mismatches).toEqual([]);
  });

  it("differs from V8's Math.log on some of those samples (so the port is needed at all)", () => {
    expect(samples.some(([x, want]) => Math.log(x) !== want)).toBe(true);
  });

  const special: [string, number, number][] = [
    ["log(1) = 0", 1, 0],
    ["log(0) = -Infinity", 0, Number.NEGATIVE_INFINITY],
    ["log(Infinity) = Infinity", Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY],
    ["log(-1) = NaN", -1, Number.NaN],
    ["log(NaN) = NaN", Number.NaN, Number.NaN],
  ];
  for (const [name, x, want] of special) {
    it(name, () => expect(createGlibcLog()(x)).toBe(want));
  }
});

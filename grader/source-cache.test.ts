import { describe, expect, it } from "vitest";
import { createSourceCache } from "./source-cache.ts";

describe("createSourceCache", () => {
  it("answers a key it was given and nothing else", () => {
    const cache = createSourceCache<number>(4);
    cache.set("export const a = 1;", 1);
    expect(cache.get("export const a = 1;")).toBe(1);
    expect(cache.get("export const a = 1; ")).toBeUndefined();
  });

  it("keeps at most maxEntries, dropping the least recently used", () => {
    const cache = createSourceCache<string>(2);
    cache.set("a", "A");
    cache.set("b", "B");
    expect(cache.get("a")).toBe("A");
    cache.set("c", "C");
    expect(cache.size).toBe(2);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe("A");
    expect(cache.get("c")).toBe("C");
  });

  it("refuses a bound that is not a positive integer", () => {
    expect(() => createSourceCache(0)).toThrow(RangeError);
  });
});

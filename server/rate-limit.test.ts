import { describe, expect, it } from "vitest";
import { createRateLimiter } from "./rate-limit.ts";

describe("createRateLimiter", () => {
  it("allows a minute's burst, then refuses with the wait until the next token", () => {
    let t = 0;
    const take = createRateLimiter({ perMinute: 3, now: () => t });
    expect([take("a"), take("a"), take("a")].every((r) => r.allowed)).toBe(true);
    expect(take("a")).toEqual({ allowed: false, retryAfterSeconds: 20 });
    expect(take("b").allowed).toBe(true);
    t = 19_999;
    expect(take("a").allowed).toBe(false);
    t = 20_000;
    expect(take("a").allowed).toBe(true);
  });
});

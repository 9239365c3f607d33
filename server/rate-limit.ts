import rateLimit, { normalizeIP, type FastifyRateLimitStore } from "@fastify/rate-limit";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { ApiError } from "./errors.ts";
import { storeClass } from "./rate-limit-store.ts";

export interface RateLimits {
  /** Counts a signed-in request against its key's allowance (request.principal is set). */
  byKey(request: FastifyRequest): Promise<void>;
  /** Counts a request without a valid key against its client address's allowance, so keys cannot be guessed at full speed. */
  byAddress(request: FastifyRequest): Promise<void>;
}

const WINDOW_MS = 60_000;

/**
 * @fastify/rate-limit on `app`, called from the authentication hook rather than as a route hook,
 * since the key to count is known only once the bearer token has been checked. `perMinute` requests
 * per fixed minute per key; `store` shares the counts between processes (PostgreSQL), otherwise
 * they are the plugin's in-memory LRU, which forgets idle keys.
 */
export async function registerRateLimits(app: FastifyInstance, { perMinute, store }: { perMinute: number; store?: FastifyRateLimitStore }): Promise<RateLimits> {
  await app.register(rateLimit, { global: false, max: perMinute, timeWindow: WINDOW_MS, ...(store ? { store: storeClass(store) } : {}) });
  const limiter = (prefix: string, keyOf: (request: FastifyRequest) => string, why: string) => {
    const take = app.createRateLimit({ keyGenerator: (request) => `${prefix}:${keyOf(request)}` });
    return async (request: FastifyRequest) => {
      const result = await take(request);
      if (result.isAllowed || !result.isExceeded) return;
      throw new ApiError(429, "rate_limited", `over ${perMinute} requests per minute ${why}`, undefined, {
        "retry-after": String(Math.max(1, result.ttlInSeconds)),
      });
    };
  };
  return {
    byKey: limiter("key", (request) => request.principal.keyId, "for this key"),
    // IPv6 clients are counted per /64, as the plugin does: one host usually holds a whole one.
    byAddress: limiter("ip", (request) => normalizeIP(request.ip), "without a valid key from this address"),
  };
}

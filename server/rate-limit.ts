/**
 * A token bucket per key: `perMinute` tokens, refilled continuously, so a client may burst up to
 * a minute's allowance and then proceeds at the steady rate.
 */
export function createRateLimiter({ perMinute, now = Date.now }: { perMinute: number; now?: () => number }) {
  const refillPerMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();

  return function take(key: string): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    const t = now();
    const bucket = buckets.get(key) ?? { tokens: perMinute, at: t };
    bucket.tokens = Math.min(perMinute, bucket.tokens + (t - bucket.at) * refillPerMs);
    bucket.at = t;
    buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / refillPerMs / 1000)) };
  };
}

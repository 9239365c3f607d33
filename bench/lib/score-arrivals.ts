/**
 * Wraps the fetch the service's score publisher uses, to learn when each AGS score post was
 * accepted by the platform: the platform records a score just before answering 204, so the
 * answer's arrival is the score's arrival without polling the platform.
 */
export function recordScoreArrivals(inner: typeof fetch = globalThis.fetch) {
  const arrivals = new Map<string, number[]>();
  const waiting = new Map<string, (() => void)[]>();

  const fetchImpl: typeof fetch = async (input, init) => {
    const response = await inner(input, init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === "POST" && /\/scores(\?|$)/.test(url) && response.ok && typeof init.body === "string") {
      const userId = String((JSON.parse(init.body) as { userId?: unknown }).userId);
      const at = performance.now();
      arrivals.set(userId, [...(arrivals.get(userId) ?? []), at]);
      for (const wake of waiting.get(userId) ?? []) wake();
      waiting.delete(userId);
    }
    return response;
  };

  return {
    fetchImpl,
    /** performance.now() when the platform accepted the (count)th score for this platform user id (waits for it). */
    async arrivedAt(userId: string, count = 1, timeoutMs = 30_000): Promise<number> {
      const started = performance.now();
      while ((arrivals.get(userId)?.length ?? 0) < count) {
        const left = timeoutMs - (performance.now() - started);
        if (left <= 0) throw new Error(`no score for ${userId} reached the platform within ${timeoutMs} ms`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left);
          waiting.set(userId, [...(waiting.get(userId) ?? []), () => { clearTimeout(timer); resolve(); }]);
        });
      }
      return arrivals.get(userId)![count - 1]!;
    },
  };
}

import type { Logger } from "pino";

/**
 * Work a service does after replying (webhook deliveries, LMS score publications): tracked so that
 * stop() can wait for it, with backoff sleeps that stop() cuts short.
 */
export function createBackgroundWork(log: Logger) {
  const inFlight = new Set<Promise<unknown>>();
  const abort = new AbortController();

  return {
    /** Aborted by stop(): requests in flight may listen to it. */
    signal: abort.signal,
    stopping: (): boolean => abort.signal.aborted,
    /** Resolves true after `ms`, or false as soon as stop() is called (at once if it was). */
    sleep(ms: number): Promise<boolean> {
      return new Promise((resolve) => {
        if (abort.signal.aborted) return resolve(false);
        // The listener goes when the timer fires: a long-lived service would otherwise collect one per backoff.
        const onAbort = () => {
          clearTimeout(timer);
          resolve(false);
        };
        const timer = setTimeout(() => {
          abort.signal.removeEventListener("abort", onAbort);
          resolve(true);
        }, ms);
        abort.signal.addEventListener("abort", onAbort, { once: true });
      });
    },
    /** Runs `task` in the background; a throw is logged as `message` with `fields`, never left unhandled. */
    run(task: Promise<unknown>, message: string, fields: Record<string, unknown>): void {
      const p = task
        .catch((err: unknown) => log.error({ err, ...fields }, message))
        .finally(() => inFlight.delete(p));
      inFlight.add(p);
    },
    /** Cuts sleeps short and waits for the work in flight. */
    async stop(): Promise<void> {
      abort.abort();
      await Promise.allSettled([...inFlight]);
    },
    /** Resolves when nothing is in flight (tests and drain). */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
export type BackgroundWork = ReturnType<typeof createBackgroundWork>;

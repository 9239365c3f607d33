import { Worker } from "node:worker_threads";
import { tsxBootScript } from "./thread-boot.ts";
import { clipText } from "./clip.ts";
import { createSourceCache } from "./source-cache.ts";
import type { Diagnostic } from "./report.ts";
import type { SignatureOf, TypeChecker } from "./typecheck.ts";
import type { TypecheckRequest, TypecheckResponse } from "./typecheck-worker.ts";

export interface ThreadedTypeChecker extends TypeChecker {
  check(source: string, exercises: readonly SignatureOf[]): Promise<Diagnostic[]>;
  close(): Promise<void>;
}

export interface ThreadedTypeCheckerOptions {
  /** A check still running after this is abandoned (the thread is ended) and reported as skipped. */
  readonly timeoutMs: number;
  /** The checker's heap cap: hostile types must not grow the grading process without bound. */
  readonly maxHeapMb?: number;
  /** GraderConfig.typecheckMaxBusyPercent; 100 (the default here) never skips. */
  readonly maxBusyPercent?: number;
  /** Milliseconds; injectable so tests can step time. */
  readonly now?: () => number;
}

/** With a busy limit, checks in the thread at once (one running, one waiting): two students submitting together both get warnings. */
const MAX_RUNNING_WHEN_LIMITED = 2;
/** Results kept for sources checked before (regrades, resubmissions): warnings are deterministic. */
const RESULT_CACHE_ENTRIES = 256;

/**
 * TypeScript's checker costs ~1 s cold and tens to hundreds of ms warm, synchronously, and a hostile
 * submission can make it run much longer. On the caller's thread that would stall the HTTP server, so
 * it runs in one worker thread, with a deadline and a heap cap; warnings are a courtesy, so any
 * failure becomes a single "skipped" warning rather than an error.
 */
export function createThreadedTypeChecker(options: ThreadedTypeCheckerOptions): ThreadedTypeChecker {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { owner: Worker; resolve: (d: Diagnostic[], done: boolean) => void; timer: NodeJS.Timeout }>();

  const now = options.now ?? (() => performance.now());
  const busyPercent = options.maxBusyPercent ?? 100;
  const results = createSourceCache<Diagnostic[]>(RESULT_CACHE_ENTRIES);
  let running = 0;
  let nextAllowedAt = -Infinity;
  const skipped = (why: string): Diagnostic[] => [{ line: 1, column: 1, severity: "warning", message: clipText(`type check skipped: ${why}`) }];

  /** Checks queued on a thread that ended are answered; those on a newer thread are not. */
  function settleAll(owner: Worker | null, why: string) {
    for (const [id, p] of pending) {
      if (owner && p.owner !== owner) continue;
      clearTimeout(p.timer);
      p.resolve(skipped(why), false);
      pending.delete(id);
    }
  }

  function start(): Worker {
    const resourceLimits = { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 };
    // From dist/ (npm run build) the compiled thread starts as is; from source it goes through tsx.
    const w = import.meta.url.endsWith(".ts")
      ? new Worker(tsxBootScript(new URL("./typecheck-worker.ts", import.meta.url).href), { eval: true, resourceLimits })
      : new Worker(new URL("./typecheck-worker.js", import.meta.url), { resourceLimits });
    // Never the reason a CLI run or a test process stays alive.
    w.unref();
    w.on("message", (response: TypecheckResponse) => {
      const p = pending.get(response.id);
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(response.id);
      p.resolve(response.kind === "done" ? response.diagnostics : skipped(`the checker failed (${response.message})`), response.kind === "done");
    });
    w.on("error", (error) => {
      if (worker === w) worker = null;
      settleAll(w, `the checker stopped (${error.message})`);
    });
    w.on("exit", () => {
      if (worker === w) worker = null;
      settleAll(w, "the checker stopped");
    });
    return w;
  }

  function run(source: string, exercises: readonly SignatureOf[]): Promise<{ diagnostics: Diagnostic[]; done: boolean }> {
    worker ??= start();
    const current = worker;
    const id = nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        resolve({ diagnostics: skipped(`it took longer than ${options.timeoutMs} ms`), done: false });
        // The thread may be stuck in the checker: end it, and let the next check start a fresh one.
        if (worker === current) worker = null;
        // Fire and forget: the 'exit' handler settles what the thread still owed.
        void current.terminate();
      }, options.timeoutMs);
      timer.unref();
      pending.set(id, { owner: current, resolve: (diagnostics, done) => resolve({ diagnostics, done }), timer });
      const request: TypecheckRequest = { id, source, exercises: exercises.map(({ id: exerciseId, signature }) => ({ id: exerciseId, signature })) };
      current.postMessage(request);
    });
  }

  return {
    async check(source, exercises) {
      const key = `${exercises.map((e) => `${e.id}\u0000${e.signature}`).join("\u0000")}\u0000\u0000${source}`;
      const known = results.get(key);
      if (known) return known.map((d) => ({ ...d }));
      if (busyPercent < 100 && (running >= MAX_RUNNING_WHEN_LIMITED || now() < nextAllowedAt)) {
        return skipped("the grader is busy, so type warnings were left out to keep grading fast; resubmit later to see them");
      }
      running++;
      const started = now();
      try {
        const { diagnostics, done } = await run(source, exercises);
        if (done) results.set(key, diagnostics.map((d) => ({ ...d })));
        return diagnostics;
      } finally {
        running--;
        const ended = now();
        nextAllowedAt = ended + (ended - started) * (100 / busyPercent - 1);
      }
    },
    async close() {
      const w = worker;
      worker = null;
      settleAll(null, "the grader is closing");
      if (w) await w.terminate();
    },
  };
}

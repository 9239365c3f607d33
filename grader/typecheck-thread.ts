import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";
import { clipText } from "./clip.ts";
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
}

/**
 * TypeScript's checker costs ~1 s cold and tens to hundreds of ms warm, synchronously, and a hostile
 * submission can make it run much longer. On the caller's thread that would stall the HTTP server, so
 * it runs in one worker thread, with a deadline and a heap cap; warnings are a courtesy, so any
 * failure becomes a single "skipped" warning rather than an error.
 */
export function createThreadedTypeChecker(options: ThreadedTypeCheckerOptions): ThreadedTypeChecker {
  let worker: Worker | null = null;
  let nextId = 1;
  const pending = new Map<number, { owner: Worker; resolve: (d: Diagnostic[]) => void; timer: NodeJS.Timeout }>();

  const skipped = (why: string): Diagnostic[] => [{ line: 1, column: 1, severity: "warning", message: clipText(`type check skipped: ${why}`) }];

  /** Checks queued on a thread that ended are answered; those on a newer thread are not. */
  function settleAll(owner: Worker | null, why: string) {
    for (const [id, p] of pending) {
      if (owner && p.owner !== owner) continue;
      clearTimeout(p.timer);
      p.resolve(skipped(why));
      pending.delete(id);
    }
  }

  function start(): Worker {
    const resourceLimits = { maxOldGenerationSizeMb: options.maxHeapMb ?? 512 };
    // From dist/ (npm run build) the compiled thread starts as is; from source it goes through tsx.
    const w = import.meta.url.endsWith(".ts")
      ? new Worker(bootScript(new URL("./typecheck-worker.ts", import.meta.url).href), { eval: true, resourceLimits })
      : new Worker(new URL("./typecheck-worker.js", import.meta.url), { resourceLimits });
    // Never the reason a CLI run or a test process stays alive.
    w.unref();
    w.on("message", (response: TypecheckResponse) => {
      const p = pending.get(response.id);
      if (!p) return;
      clearTimeout(p.timer);
      pending.delete(response.id);
      p.resolve(response.kind === "done" ? response.diagnostics : skipped(`the checker failed (${response.message})`));
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

  return {
    check(source, exercises) {
      worker ??= start();
      const current = worker;
      const id = nextId++;
      return new Promise<Diagnostic[]>((resolve) => {
        const timer = setTimeout(() => {
          pending.delete(id);
          resolve(skipped(`it took longer than ${options.timeoutMs} ms`));
          // The thread may be stuck in the checker: end it, and let the next check start a fresh one.
          if (worker === current) worker = null;
          // Fire and forget: the 'exit' handler settles what the thread still owed.
          void current.terminate();
        }, options.timeoutMs);
        timer.unref();
        pending.set(id, { owner: current, resolve, timer });
        const request: TypecheckRequest = { id, source, exercises: exercises.map(({ id: exerciseId, signature }) => ({ id: exerciseId, signature })) };
        current.postMessage(request);
      });
    },
    async close() {
      const w = worker;
      worker = null;
      settleAll(null, "the grader is closing");
      if (w) await w.terminate();
    },
  };
}

/**
 * The thread runs TypeScript source, so it registers tsx first. The eval'd script is CommonJS; it
 * reaches tsx's ESM API through the file its package exports, so it works from any working
 * directory and whether or not the caller itself runs under tsx.
 */
function bootScript(entry: string): string {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve("tsx/package.json");
  const exportsMap = JSON.parse(readFileSync(tsxPackage, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(tsxPackage), exportsMap.exports["./esm/api"]!.import.default)).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

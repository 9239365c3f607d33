import { Worker } from "node:worker_threads";
import { tsxBootScript } from "../thread-boot.ts";
import type { SimilarityFile, SimilarityOptions, SimilarityResult } from "./similarity.ts";
import type { SimilarityRequest, SimilarityResponse } from "./similarity-worker.ts";

export interface SimilarityThreadOptions {
  /** A comparison still running after this is ended and fails. */
  readonly timeoutMs: number;
  /** Dolos' heap cap, so a class of huge submissions cannot grow the service's process without bound. */
  readonly maxHeapMb?: number;
  /** Ends the thread early (the service is closing). */
  readonly signal?: AbortSignal;
}

/**
 * findSimilar on a thread of its own, one thread per comparison: Dolos parses and fingerprints
 * synchronously (about a second for 50 submissions), which on the caller's thread would stall
 * every HTTP request for that long. A fresh thread also returns all of Dolos' memory when it ends.
 *
 * Run one at a time, in a process whose main thread never loads Dolos itself: its tree-sitter
 * parsers are native addons, and a thread loading one while another thread holds it fails with
 * "Module did not self-register" (the parser is loaded afresh once the holder has ended).
 */
export function findSimilarOnThread(files: readonly SimilarityFile[], options: SimilarityOptions, thread: SimilarityThreadOptions): Promise<SimilarityResult> {
  const resourceLimits = { maxOldGenerationSizeMb: thread.maxHeapMb ?? 1024 };
  // From dist/ (npm run build) the compiled thread starts as is; from source it goes through tsx.
  const worker = import.meta.url.endsWith(".ts")
    ? new Worker(tsxBootScript(new URL("./similarity-worker.ts", import.meta.url).href), { eval: true, resourceLimits })
    : new Worker(new URL("./similarity-worker.js", import.meta.url), { resourceLimits });
  worker.unref();
  return new Promise<SimilarityResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      thread.signal?.removeEventListener("abort", abort);
      // Settled once the thread has ended, so the next one may load the parsers.
      void worker.terminate().finally(outcome);
    };
    const timer = setTimeout(() => settle(() => reject(new Error(`similarity took longer than ${thread.timeoutMs} ms`))), thread.timeoutMs);
    timer.unref();
    const abort = () => settle(() => reject(new Error("similarity was cancelled")));
    if (thread.signal?.aborted) return abort();
    thread.signal?.addEventListener("abort", abort);
    worker.on("message", (response: SimilarityResponse) =>
      settle(() => (response.kind === "done" ? resolve({ files, pairs: response.pairs, warnings: response.warnings }) : reject(new Error(`similarity failed: ${response.message}`)))),
    );
    worker.on("error", (error) => settle(() => reject(new Error(`similarity thread stopped: ${error.message}`))));
    worker.on("exit", (code) => settle(() => reject(new Error(`similarity thread exited (code ${code})`))));
    worker.postMessage({ files, options } satisfies SimilarityRequest);
  });
}

import { parentPort } from "node:worker_threads";
import { findSimilar, type SimilarityFile, type SimilarityOptions, type SimilarPair } from "./similarity.ts";

export interface SimilarityRequest {
  readonly files: readonly SimilarityFile[];
  readonly options: SimilarityOptions;
}

/** Only the ranking travels back: the caller already holds the sources. */
export type SimilarityResponse =
  | { readonly kind: "done"; readonly pairs: readonly SimilarPair[]; readonly warnings: readonly string[] }
  | { readonly kind: "failed"; readonly message: string };

const port = parentPort;
if (!port) throw new Error("similarity-worker.ts runs only as a worker thread");

port.once("message", (request: SimilarityRequest) => {
  findSimilar(request.files, request.options).then(
    (result) => port.postMessage({ kind: "done", pairs: result.pairs, warnings: result.warnings } satisfies SimilarityResponse),
    (error: unknown) => port.postMessage({ kind: "failed", message: error instanceof Error ? error.message : String(error) } satisfies SimilarityResponse),
  );
});

import { parentPort, workerData } from "node:worker_threads";
import { createTypeChecker, type SignatureOf } from "./typecheck.ts";

export interface TypecheckRequest {
  readonly id: number;
  readonly source: string;
  readonly exercises: readonly SignatureOf[];
}

export type TypecheckResponse =
  | { readonly id: number; readonly kind: "done"; readonly diagnostics: ReturnType<ReturnType<typeof createTypeChecker>["check"]> }
  | { readonly id: number; readonly kind: "failed"; readonly message: string };

const port = parentPort;
if (!port) throw new Error("typecheck-worker.ts runs only as a worker thread");
const checker = createTypeChecker((workerData as { npDeclarationsPath?: string } | undefined) ?? {});

port.on("message", (request: TypecheckRequest) => {
  try {
    port.postMessage({ id: request.id, kind: "done", diagnostics: checker.check(request.source, request.exercises) } satisfies TypecheckResponse);
  } catch (error) {
    port.postMessage({ id: request.id, kind: "failed", message: error instanceof Error ? error.message : String(error) } satisfies TypecheckResponse);
  }
});

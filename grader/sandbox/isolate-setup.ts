import ivm from "isolated-vm";
import type { SandboxScripts } from "./bundles.ts";

/** Trusted setup code (prelude, helper module) gets this long; it only fails if the isolate is broken. */
export const SETUP_TIMEOUT_MS = 5000;

/** V8 code cache for the trusted scripts, which are the same for every submission the worker runs. */
export interface TrustedCodeCache {
  prelude?: ivm.ExternalCopy<ArrayBuffer>;
  helper?: ivm.ExternalCopy<ArrayBuffer>;
}

/** A context holding only trusted code: the prelude installed and the helper module handed to it. */
export interface TrustedContext {
  readonly context: ivm.Context;
  readonly api: ivm.Reference;
}

/** An isolate that has run no student code yet, with trusted contexts made ahead of need. */
export interface TrustedIsolate {
  readonly isolate: ivm.Isolate;
  readonly prelude: ivm.Script;
  readonly helper: ivm.Script;
  readonly spareContexts: TrustedContext[];
}

export interface IsolateSetup {
  readonly sandboxMemoryMb: number;
  readonly scripts: SandboxScripts;
  readonly codeCache: TrustedCodeCache;
}

/** Each submission's fresh isolate compiles the trusted scripts from the cache its predecessors produced. */
function compileTrusted(isolate: ivm.Isolate, code: string, filename: string, cache: TrustedCodeCache, key: keyof TrustedCodeCache): ivm.Script {
  const cachedData = cache[key];
  // isolated-vm sets these at run time; its typings leave them out.
  const script = isolate.compileScriptSync(code, cachedData ? { filename, cachedData } : { filename, produceCachedData: true }) as ivm.Script & {
    cachedData?: ivm.ExternalCopy<ArrayBuffer>;
    cachedDataRejected?: boolean;
  };
  if (cachedData === undefined) cache[key] = script.cachedData;
  else if (script.cachedDataRejected) cache[key] = undefined;
  return script;
}

export function createTrustedIsolate(setup: IsolateSetup): TrustedIsolate {
  // No onCatastrophicError: isolated-vm 6 and 7 raise "Script failed to terminate" from their timer
  // thread, and with a handler set the worker then segfaults (a builtin such as Array(1e8).fill(0)
  // ignores termination on V8 13). Without one, a fatal OOM still aborts with V8's report, which the
  // pool reads, and an unterminated script blocks until the pool's watchdogs (stall, resident memory)
  // kill the worker.
  const isolate = new ivm.Isolate({ memoryLimit: setup.sandboxMemoryMb });
  const prelude = compileTrusted(isolate, setup.scripts.prelude, "file:///prelude.js", setup.codeCache, "prelude");
  const helper = compileTrusted(isolate, setup.scripts.helper, "file:///autograde-np.js", setup.codeCache, "helper");
  return { isolate, prelude, helper, spareContexts: [] };
}

/** Throws when the isolate is at its memory limit; the caller decides whose fault that is. */
export function createTrustedContext(trusted: TrustedIsolate): TrustedContext {
  const context = trusted.isolate.createContextSync();
  const api = trusted.prelude.runSync(context, { reference: true, timeout: SETUP_TIMEOUT_MS }) as ivm.Reference;
  const helper = trusted.helper.runSync(context, { reference: true, timeout: SETUP_TIMEOUT_MS }) as ivm.Reference;
  api.applySync(undefined, ["setHelper", helper.derefInto({ release: true })], { timeout: SETUP_TIMEOUT_MS });
  return { context, api };
}

/**
 * Keeps one trusted isolate ready between jobs, so that making it (isolate, trusted scripts, one
 * context per expected exercise) happens while the worker would otherwise be idle. It is handed to
 * exactly one submission and never reused: isolation is what it was, only the timing moves. It is
 * made in small steps between event-loop turns, so a job that arrives meanwhile takes what is ready
 * instead of waiting for the rest.
 */
export function createIsolateReserve(setup: IsolateSetup, initialContexts: number, schedule: (step: () => void) => void = setImmediate) {
  let ready: TrustedIsolate | undefined;
  let contexts = initialContexts;
  let filling = false;
  let scheduled = false;

  const step = () => {
    scheduled = false;
    if (!filling) return;
    if (ready === undefined) ready = createTrustedIsolate(setup);
    else if (ready.spareContexts.length < contexts) ready.spareContexts.push(createTrustedContext(ready));
    if (ready.spareContexts.length < contexts) {
      scheduled = true;
      schedule(step);
    } else {
      filling = false;
    }
  };

  return {
    /** The ready isolate (with however many contexts it has so far), else a new one made now. */
    take(): TrustedIsolate {
      filling = false;
      const trusted = ready ?? createTrustedIsolate(setup);
      ready = undefined;
      return trusted;
    },
    /** Starts making the next isolate, with as many contexts as the last job had exercises. */
    refill(expectedExercises?: number): void {
      if (expectedExercises !== undefined) contexts = Math.min(Math.max(expectedExercises, 0), MAX_SPARE_CONTEXTS);
      filling = true;
      if (!scheduled) {
        scheduled = true;
        schedule(step);
      }
    },
    dispose(): void {
      filling = false;
      if (ready !== undefined && !ready.isolate.isDisposed) ready.isolate.dispose();
      ready = undefined;
    },
  };
}

export type IsolateReserve = ReturnType<typeof createIsolateReserve>;

const MAX_SPARE_CONTEXTS = 16;

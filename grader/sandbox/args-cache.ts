import type { Value } from "../../exercises/types.ts";
import type { SandboxCase, SandboxExercise } from "./protocol.ts";

/**
 * Case arguments are the same objects job after job (the grader computes them once per process), and
 * sending them whole made every job a megabyte of IPC. Each worker keeps the arguments it has been
 * sent under a number; later jobs send the number only. The isolate still gets a fresh copy per case.
 */
export interface WireCase {
  readonly name: string;
  readonly timeoutMs: number;
  /** Present when the worker should remember `args` under this number, or already does. */
  readonly argsId?: number;
  /** Absent when the worker already holds them under argsId. */
  readonly args?: readonly Value[];
}

export type WireExercise = Omit<SandboxExercise, "cases"> & { readonly cases: readonly WireCase[] };

export interface EncodedExercises {
  readonly exercises: readonly WireExercise[];
  /** The worker must forget every stored argument before reading these exercises. */
  readonly resetArgsCache: boolean;
}

export interface ArgsCacheLimits {
  readonly maxEntries: number;
  readonly maxBytes: number;
}

export const DEFAULT_ARGS_CACHE_LIMITS: ArgsCacheLimits = { maxEntries: 4096, maxBytes: 64 * 1024 * 1024 };

/** What one worker holds; keyed by the worker object so that a respawned worker starts empty. */
interface Held {
  readonly ids: Set<number>;
  bytes: number;
}

/** Host side. Relies on SandboxCase.args never being mutated once a job has used them. */
export function createArgsEncoder(limits: ArgsCacheLimits = DEFAULT_ARGS_CACHE_LIMITS) {
  const idOf = new WeakMap<object, number>();
  const heldBy = new WeakMap<object, Held>();
  let nextId = 0;

  const encodeCase = (held: Held, testCase: SandboxCase): WireCase => {
    const { name, timeoutMs, args } = testCase;
    let id = idOf.get(args);
    if (id !== undefined && held.ids.has(id)) return { name, timeoutMs, argsId: id };
    const bytes = approximateBytes(args);
    if (held.ids.size >= limits.maxEntries || held.bytes + bytes > limits.maxBytes) return { name, timeoutMs, args };
    if (id === undefined) idOf.set(args, (id = nextId++));
    held.ids.add(id);
    held.bytes += bytes;
    return { name, timeoutMs, argsId: id, args };
  };

  return {
    encode(worker: object, exercises: readonly SandboxExercise[]): EncodedExercises {
      let held = heldBy.get(worker);
      let resetArgsCache = false;
      const fresh = exercises.reduce((n, e) => n + e.cases.filter((c) => !held?.ids.has(idOf.get(c.args) ?? -1)).length, 0);
      // A full cache is emptied rather than evicted piecemeal: jobs reuse one stable set of arguments.
      if (held === undefined || held.ids.size + fresh > limits.maxEntries) {
        resetArgsCache = held !== undefined;
        held = { ids: new Set(), bytes: 0 };
        heldBy.set(worker, held);
      }
      const target = held;
      return { resetArgsCache, exercises: exercises.map((e) => ({ ...e, cases: e.cases.map((c) => encodeCase(target, c)) })) };
    },
  };
}

/** Worker side: the mirror of the encoder's bookkeeping. */
export function createArgsStore() {
  const stored = new Map<number, readonly Value[]>();
  return {
    decode(message: EncodedExercises): SandboxExercise[] {
      if (message.resetArgsCache) stored.clear();
      return message.exercises.map((e) => ({
        ...e,
        cases: e.cases.map(({ name, timeoutMs, argsId, args }): SandboxCase => {
          if (args !== undefined) {
            if (argsId !== undefined) stored.set(argsId, args);
            return { name, timeoutMs, args };
          }
          const held = argsId === undefined ? undefined : stored.get(argsId);
          if (held === undefined) throw new Error(`case "${name}" of ${e.id} refers to arguments ${String(argsId)} that this worker was never sent`);
          return { name, timeoutMs, args: held };
        }),
      }));
    },
    size: () => stored.size,
  };
}

/** Roughly what a value costs to keep; tensors dominate. */
export function approximateBytes(value: unknown, depth = 0): number {
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (typeof value === "string") return 2 * value.length;
  if (typeof value !== "object" || value === null || depth > 64) return 8;
  const children = Array.isArray(value) ? value : Object.values(value);
  return children.reduce((sum: number, child) => sum + approximateBytes(child, depth + 1), 16);
}

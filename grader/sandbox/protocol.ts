import type { ExerciseId, Value } from "../../exercises/types.ts";

/**
 * The contract between the grader (host side, compares and scores) and the sandbox (worker
 * processes running isolated-vm). The sandbox knows nothing of exercises beyond names and
 * arguments; expected values never reach it.
 */
export interface SandboxCase {
  readonly name: string;
  /**
   * Copied into the isolate; tensors arrive as the helper module's NDArray (shape, data, methods).
   * Never mutate an array once a job has used it: a worker keeps what it was sent under the array's
   * identity and reuses it when a later job passes the same array (the grader's cached cases do).
   */
  readonly args: readonly Value[];
  readonly timeoutMs: number;
}

export interface SandboxExercise {
  readonly id: ExerciseId;
  /** Export names tried in order: the snake_case id, then its camelCase alias. */
  readonly exportNames: readonly string[];
  readonly cases: readonly SandboxCase[];
  /** Outer bound for all of this exercise's cases, enforced by the watchdog. */
  readonly deadlineMs: number;
}

export interface SandboxJob {
  /** Output of compileSubmission: JavaScript, already checked for forbidden imports. */
  readonly code: string;
  readonly exercises: readonly SandboxExercise[];
  /** Outer bound for the whole submission. */
  readonly deadlineMs: number;
}

/** What happened when one case ran. Student failure is data; only infrastructure failure throws. */
export type SandboxCaseResult =
  /** `value` has been converted inside the isolate to plain data (typed arrays + shape). */
  | { readonly kind: "returned"; readonly value: Value; readonly durationMs: number }
  /** The output could not be converted (ragged array, function, over the size cap, ...). */
  | { readonly kind: "bad_output"; readonly reason: string; readonly durationMs: number }
  | { readonly kind: "threw"; readonly message: string; readonly durationMs: number }
  | { readonly kind: "timeout"; readonly limitMs: number }
  | { readonly kind: "memory_limit"; readonly limitMb: number };

export type SandboxExerciseResult =
  | { readonly id: ExerciseId; readonly kind: "ran"; readonly cases: readonly SandboxCaseResult[] }
  /** None of exportNames is exported, or the export is not a function. */
  | { readonly id: ExerciseId; readonly kind: "missing"; readonly message: string }
  /** Evaluating the student's module itself failed (top-level throw, loop, allocation). */
  | { readonly id: ExerciseId; readonly kind: "module_error"; readonly message: string };

export interface SandboxResult {
  readonly exercises: readonly SandboxExerciseResult[];
  readonly timings: {
    readonly dispatchMs: number;
    readonly isolateMs: number;
    readonly runMs: number;
  };
}

/** Told of each exercise's result as soon as the sandbox has it, before the whole job ends. */
export type ExerciseObserver = (result: SandboxExerciseResult) => void;

export interface SandboxPool {
  run(job: SandboxJob, onExercise?: ExerciseObserver): Promise<SandboxResult>;
  /** Stops accepting jobs, lets running ones finish (or kills them after graceMs), ends workers. */
  close(graceMs?: number): Promise<void>;
  stats(): { readonly size: number; readonly busy: number; readonly queued: number; readonly restarts: number };
}

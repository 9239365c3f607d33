import type { WireExercise } from "./args-cache.ts";
import type { SandboxCaseResult, SandboxExercise } from "./protocol.ts";

/** Fixed for a worker's life; passed on its command line as JSON. */
export interface WorkerConfig {
  readonly sandboxMemoryMb: number;
  readonly maxOutputElements: number;
  /** Evaluating the student's module (top-level code) in one context. */
  readonly moduleTimeoutMs: number;
  /** Converting one output or thrown value to plain data inside the isolate. */
  readonly outputTimeoutMs: number;
  /** The helper module's TypeScript entry, bundled once per worker. */
  readonly helperModulePath: string;
}

export interface JobMessage {
  readonly t: "job";
  readonly code: string;
  /** Case arguments the worker already holds travel as numbers (see args-cache.ts). */
  readonly exercises: readonly WireExercise[];
  readonly resetArgsCache: boolean;
  /** Index of exercises[0] in the whole job: a respawned worker resumes mid-job. */
  readonly firstIndex: number;
  /** What is left of the submission's deadline. */
  readonly deadlineMs: number;
  /** The whole submission's deadline, reported as the limit when it is what stopped a case. */
  readonly submissionDeadlineMs: number;
}

/** A job as the worker runs it, with every case's arguments in hand. */
export type DecodedJob = Omit<JobMessage, "t" | "exercises" | "resetArgsCache"> & { readonly exercises: readonly SandboxExercise[] };

export type ExerciseEnd =
  | { readonly kind: "ran" }
  | { readonly kind: "missing"; readonly message: string }
  | { readonly kind: "module_error"; readonly message: string };

/** Worker to pool. Progress is streamed so that a killed worker loses only unfinished cases. */
export type WorkerMessage =
  | { readonly t: "ready" }
  | { readonly t: "exercise-start"; readonly index: number }
  | { readonly t: "module-loaded"; readonly index: number }
  | { readonly t: "case"; readonly index: number; readonly caseIndex: number; readonly result: SandboxCaseResult }
  | { readonly t: "exercise-end"; readonly index: number; readonly end: ExerciseEnd }
  | { readonly t: "done"; readonly isolateMs: number; readonly runMs: number };

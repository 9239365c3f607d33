// What storage-contract.ts and lti-contract.ts both use: the harness each storage's test supplies
// and the records the contracts store. Its own file, so neither contract imports the other back.
import type { Report } from "../../grader/report.ts";
import type { Job, NewSubmission, Storage } from "./types.ts";

/**
 * How each storage's test (sqlite.test.ts, postgres.test.ts) opens it for the contracts. How jobs
 * are taken differs (SQLite leases by polling, PostgreSQL receives queue messages), so the harness
 * supplies that part.
 */
export interface StorageHarness {
  open(): Promise<OpenedStorage>;
}
export interface OpenedStorage {
  readonly storage: Storage;
  /** The same data through a fresh handle, as after a restart. */
  reopen(): Promise<Storage>;
  /** Takes up to `limit` queued jobs the way this storage's queue delivers them. */
  takeJobs(storage: Storage, limit: number): Promise<Job[]>;
  /** Gives a taken job back (drain, internal error) so that it is delivered again. */
  release(storage: Storage, job: Job): Promise<void>;
  dispose(): Promise<void>;
}

export function fakeReport(score: number, id: "zero_pad" | "distribute_value" = "zero_pad"): Report {
  return {
    score,
    maxScore: 10,
    exercises: [{ id, title: id, score, maxScore: 10, status: score === 10 ? "passed" : "partial", cases: [] }],
    diagnostics: [],
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

export function submission(overrides: Partial<NewSubmission> = {}): NewSubmission {
  return {
    student: "alice",
    submittedBy: "alice",
    source: "export const x = 1;",
    exercises: ["zero_pad"],
    callbackUrl: null,
    idempotencyKey: null,
    requestHash: "h1",
    now: 1000,
    ...overrides,
  };
}

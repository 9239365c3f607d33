import type { ExerciseId } from "../../exercises/types.ts";
import type { ExerciseProgress } from "../../grader/index.ts";
import type { Report } from "../../grader/report.ts";
import type { ApiRole } from "../config.ts";
import type { CourseRole, CourseStorage, Lateness } from "./course-types.ts";
import type { LtiStorage } from "./lti-types.ts";

export type * from "./course-types.ts";

/*
 * What the service stores, as interfaces implemented by both SQLite (embedded) and PostgreSQL
 * (scale-out): keep them async and keep SQL behind them. Callers take the narrowest part they use
 * (SubmissionStorage, DeliveryStorage, KeyStorage, LtiStorage); Storage is all of them. Times are
 * epoch milliseconds.
 */

export type SubmissionStatus = "queued" | "running" | "graded" | "error";

export interface NewSubmission {
  readonly student: string;
  /** Who submitted (the API key's name): idempotency keys are scoped to it. */
  readonly submittedBy: string;
  readonly source: string;
  /** null: every exercise. */
  readonly exercises: readonly ExerciseId[] | null;
  readonly callbackUrl: string | null;
  readonly idempotencyKey: string | null;
  /** Hash of the request body, to tell a retry from a different request under the same key. */
  readonly requestHash: string;
  readonly now: number;
  /** Absent: `default`. */
  readonly course?: string;
  /** Absent: `default`. */
  readonly assignment?: string;
  /** What lateness this submission is charged (server/policy/lateness.ts); absent or null: on time. */
  readonly late?: Lateness | null;
  /** The submitter's role in the course when submitting; gradebooks list students only. Absent: unknown. */
  readonly submitterRole?: CourseRole;
}

export interface Grading {
  readonly attempt: number;
  readonly status: "graded" | "error";
  readonly report: Report | null;
  readonly error: string | null;
  readonly startedAt: number;
  readonly finishedAt: number;
}

/** How far the grading under way has got, exercise by exercise, as its worker last recorded it. */
export interface GradingProgress {
  readonly exercises: readonly ExerciseProgress[];
}

export interface SubmissionRecord {
  readonly id: string;
  readonly student: string;
  readonly submittedBy: string;
  readonly exercises: readonly ExerciseId[] | null;
  readonly callbackUrl: string | null;
  readonly createdAt: number;
  readonly course: string;
  readonly assignment: string;
  readonly late: Lateness | null;
  /** null on submissions from before courses existed. */
  readonly submitterRole: CourseRole | null;
  readonly status: SubmissionStatus;
  /** The attempt being graded or last graded; regrades add attempts. */
  readonly attempt: number;
  /** The latest finished grading, if any (a regrade in progress keeps showing the previous one). */
  readonly latest: Grading | null;
  /** While running: what the worker last recorded (null before its first record, and once stored). */
  readonly progress: GradingProgress | null;
}

export type CreateSubmissionResult =
  | { readonly kind: "created"; readonly submission: SubmissionRecord }
  | { readonly kind: "replayed"; readonly submission: SubmissionRecord }
  | { readonly kind: "idempotency_conflict"; readonly existingId: string }
  | { readonly kind: "queue_full"; readonly depth: number }
  /** The submitter already has `queued` (>= max) submissions waiting for or in their first grading. */
  | { readonly kind: "too_many_queued"; readonly queued: number; readonly max: number }
  /** The student's counted attempts at the assignment reached `max`, or the last one is under `minGapMs` old. */
  | { readonly kind: "attempt_limit"; readonly used: number; readonly lastAt: number | null };

export interface SubmissionLimits {
  readonly maxQueueDepth: number;
  /**
   * At most this many of one submitter's (`submittedBy`) submissions not yet graded once; null or
   * absent: no cap. Regrades do not count: staff queue them, not the student.
   */
  readonly maxQueuedPerSubmitter?: number | null;
  /**
   * Checked in the storing transaction against the student's counted attempts at the submission's
   * assignment (see CourseStorage.countAttempts); absent: no limit (staff, or an assignment without one).
   */
  readonly attempts?: { readonly max: number | null; readonly minGapMs: number | null };
}

export type StorageHealth = { readonly ok: true } | { readonly ok: false; readonly reason: string };

export interface SubmissionFilter {
  readonly student?: string;
  readonly exercise?: ExerciseId;
  readonly course?: string;
  readonly assignment?: string;
  readonly since?: number;
  readonly until?: number;
  readonly limit: number;
  /** Opaque cursor from a previous page. */
  readonly cursor?: string;
}

export interface Job {
  readonly jobId: number;
  readonly submissionId: string;
  /** Whose submission it is: grade passback needs it once the grading is stored. */
  readonly student: string;
  readonly attempt: number;
  readonly source: string;
  readonly exercises: readonly ExerciseId[] | null;
  readonly callbackUrl: string | null;
  /** Identifies this claim; completing with a stale token is a no-op. */
  readonly leaseToken: string;
  /** How many times this job has been claimed, this claim included. */
  readonly claims: number;
}

export type JobOutcome =
  | { readonly status: "graded"; readonly report: Report }
  | { readonly status: "error"; readonly error: string };

export interface DeliveryRecord {
  readonly attempt: number;
  readonly gradingAttempt: number;
  readonly url: string;
  readonly statusCode: number | null;
  readonly error: string | null;
  readonly at: number;
  readonly durationMs: number;
}

export interface ApiKeyRecord {
  readonly id: string;
  readonly role: ApiRole;
  readonly name: string;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface GradebookCell {
  readonly student: string;
  readonly exercise: ExerciseId;
  readonly score: number;
  readonly maxScore: number;
}

export interface PendingWebhook {
  readonly submissionId: string;
  readonly gradingAttempt: number;
  readonly callbackUrl: string;
}

/** Submissions, their gradings and the queue of gradings to do: what the submission routes and grading use. */
export interface SubmissionStorage {
  /** Stores the submission and enqueues its grading in one transaction, which also checks the limits. */
  createSubmission(input: NewSubmission, limits: SubmissionLimits): Promise<CreateSubmissionResult>;
  getSubmission(id: string): Promise<SubmissionRecord | null>;
  getSource(id: string): Promise<string | null>;
  listSubmissions(filter: SubmissionFilter): Promise<{ items: SubmissionRecord[]; nextCursor: string | null }>;
  listGradings(submissionId: string): Promise<Grading[]>;

  /**
   * Stores the grading for the job's attempt and removes the job, atomically. At most one grading
   * per (submission, attempt): a second completion of the same attempt stores nothing.
   */
  completeJob(job: Job, outcome: JobOutcome, timing: { startedAt: number; finishedAt: number }): Promise<boolean>;
  /**
   * Records the running attempt's progress while this claim holds the job; false (nothing written)
   * once the lease is lost or the grading is stored. A claim or a release clears it.
   */
  recordProgress(job: Pick<Job, "jobId" | "leaseToken">, progress: GradingProgress): Promise<boolean>;
  /** Puts a claimed job back in the queue (drain before exit, or a retry after an internal error). */
  releaseJob(jobId: number, leaseToken: string): Promise<void>;
  queueDepth(): Promise<{ queued: number; running: number }>;

  /** Adds an attempt for one submission; null when it does not exist. Already queued: no new attempt. */
  enqueueRegrade(submissionId: string, now: number): Promise<{ attempt: number; queued: boolean } | null>;
  /** Every graded or errored submission (optionally only those including `exercise`) gets a new attempt. */
  enqueueBulkRegrade(filter: { exercise?: ExerciseId; student?: string; course?: string }, now: number): Promise<number>;

  /**
   * The `default` course's gradebook (`GET /v1/gradebook`, from before courses): best score per
   * student per exercise, leaving out submissions made by course staff; `student` narrows it to one.
   * Other courses' gradebooks are per assignment (CourseStorage.assignmentCells).
   */
  gradebook(filter?: { readonly student?: string }): Promise<GradebookCell[]>;
}

/** The webhook deliveries of gradings: what the webhook sender and the deliveries route use. */
export interface DeliveryStorage {
  recordDelivery(submissionId: string, delivery: DeliveryRecord): Promise<void>;
  listDeliveries(submissionId: string): Promise<DeliveryRecord[]>;
  /** Gradings with a callback whose webhook has not finished (delivered or given up). */
  pendingWebhooks(): Promise<PendingWebhook[]>;
  markWebhookDone(submissionId: string, gradingAttempt: number, state: "delivered" | "failed"): Promise<void>;
}

/** Stored API keys (only their hashes): what authentication and the CLI's `keys` use. */
export interface KeyStorage {
  createApiKey(input: { role: ApiRole; name: string; secretHash: string; now: number }): Promise<ApiKeyRecord>;
  findApiKeyByHash(secretHash: string): Promise<ApiKeyRecord | null>;
  /** Revokes by id, or every active key of that name; returns how many. */
  revokeApiKey(idOrName: string, now: number): Promise<number>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
}

export interface StorageLifecycle {
  /** Whether the storage can take writes now (readiness); never throws. */
  health(): Promise<StorageHealth>;
  close(): Promise<void>;
}

/** Everything the service stores, as one storage. */
export interface Storage extends SubmissionStorage, DeliveryStorage, KeyStorage, LtiStorage, CourseStorage, StorageLifecycle {}

/**
 * What the admin CLI uses (API keys, LTI registrations and tool keys): no submissions, so it needs
 * no queue to open and cannot enqueue grading.
 */
export interface AdminStorage extends KeyStorage, LtiStorage, CourseStorage, StorageLifecycle {}

/** The embedded queue: jobs live in the storage itself and are leased by polling it (SQLite). */
export interface LeasedQueueStorage extends Storage {
  /** Claims up to `limit` queued jobs; each lease lasts `leaseMs` unless renewed. */
  claimJobs(input: { limit: number; leaseMs: number; now: number }): Promise<Job[]>;
  renewLease(jobId: number, leaseToken: string, until: number): Promise<boolean>;
  /** Requeues jobs whose lease lapsed; returns how many. */
  requeueExpired(now: number): Promise<number>;
}

/** A job delivery from an external queue (pg-boss): the message names the attempt, storage holds the rest. */
export interface JobMessage {
  readonly submissionId: string;
  readonly attempt: number;
}

/**
 * Storage whose delivery and leases belong to an external queue (PostgreSQL + pg-boss). The jobs
 * table still records queued/running for status and queue depth.
 */
export interface ExternalQueueStorage extends Storage {
  /**
   * Marks the attempt running under this delivery's token and counts the claim; null when that
   * attempt is no longer queued or running (already stored: a duplicate delivery).
   */
  beginJob(message: JobMessage, leaseToken: string): Promise<Job | null>;
}

/** A list cursor this server did not issue: client input, mapped to a 400. */
export class InvalidCursorError extends Error {
  override name = "InvalidCursorError";
  constructor() {
    super("cursor is not one this server issued");
  }
}

/**
 * The storage cannot serve now (the database is locked by another process, or its file was
 * deleted under us): infrastructure, mapped to a 503 with Retry-After rather than a 500.
 */
export class StorageUnavailableError extends Error {
  override name = "StorageUnavailableError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

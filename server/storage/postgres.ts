import { randomUUID } from "node:crypto";
import pg from "pg";
import { ATTEMPTS_SELECT, createCourseStorage, numbered, refusesAttempt, toAttemptCount } from "./course-sql.ts";
import { createPostgresLtiStorage } from "./postgres-lti.ts";
import { inTransaction, migratePostgres, postgresKeyStorage, postgresRunner } from "./postgres-admin.ts";
import { decodeCursor, encodeCursor, GRADEBOOK_SELECT, gradebookSelect, parseGrading, SUBMISSION_SELECT, toGradebookCell, toJob, toDelivery, toSubmission, type Row } from "./rows.ts";
import type { CreateSubmissionResult, ExternalQueueStorage, Job, JobMessage } from "./types.ts";

/** Raised in the transaction that stores a grading; API nodes LISTEN to answer ?wait=true. */
export const GRADED_CHANNEL = "autograde_graded";
/** Raised in the transaction that enqueues; workers LISTEN to fetch at once instead of at the next poll. */
export const ENQUEUED_CHANNEL = "autograde_enqueued";

/** What pg-boss accepts as `db` to run its SQL inside our transaction. */
export interface SqlExecutor {
  executeSql(text: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}
/** Puts a job message on the external queue within the caller's transaction. */
export type Enqueue = (db: SqlExecutor, message: JobMessage) => Promise<void>;

const executorOf = (client: pg.PoolClient): SqlExecutor => ({
  executeSql: (text, values) => client.query(text, values),
});

export async function openPostgresStorage({ pool, enqueue }: { pool: pg.Pool; enqueue: Enqueue }): Promise<ExternalQueueStorage> {
  await migratePostgres(pool);

  const transaction = <T>(work: (client: pg.PoolClient) => Promise<T>) => inTransaction(pool, work);
  const rows = async (text: string, values: unknown[] = [], db: pg.Pool | pg.PoolClient = pool) => (await db.query(text, values)).rows as Row[];

  const getSubmission = async (id: string, db: pg.Pool | pg.PoolClient = pool) => {
    const [row] = await rows(`${SUBMISSION_SELECT} WHERE s.id = $1`, [id], db);
    return row ? toSubmission(row) : null;
  };

  async function addJob(client: pg.PoolClient, message: JobMessage, now: number): Promise<void> {
    await client.query("INSERT INTO jobs (submission_id, attempt, state, enqueued_at) VALUES ($1, $2, 'queued', $3)", [message.submissionId, message.attempt, now]);
    await enqueue(executorOf(client), message);
    await client.query("SELECT pg_notify($1, $2)", [ENQUEUED_CHANNEL, message.submissionId]);
  }

  /** Caller holds the submission row lock, so two regrades of one submission cannot both add a job. */
  async function regradeLocked(client: pg.PoolClient, submissionId: string, now: number) {
    const [active] = await rows("SELECT attempt FROM jobs WHERE submission_id = $1", [submissionId], client);
    if (active) return { attempt: Number(active.attempt), queued: false };
    const [bumped] = await rows("UPDATE submissions SET attempts = attempts + 1 WHERE id = $1 RETURNING attempts", [submissionId], client);
    const attempt = Number(bumped!.attempts);
    await addJob(client, { submissionId, attempt }, now);
    return { attempt, queued: true };
  }

  return {
    ...createPostgresLtiStorage(pool),
    ...postgresKeyStorage(pool),
    ...createCourseStorage(postgresRunner(pool)),
    async createSubmission(input, limits): Promise<CreateSubmissionResult> {
      const byKey = async () => {
        const [existing] = await rows("SELECT id, request_hash FROM submissions WHERE submitted_by = $1 AND idempotency_key = $2", [input.submittedBy, input.idempotencyKey]);
        if (!existing) return null;
        if (existing.request_hash !== input.requestHash) return { kind: "idempotency_conflict", existingId: String(existing.id) } as const;
        return { kind: "replayed", submission: (await getSubmission(String(existing.id)))! } as const;
      };
      if (input.idempotencyKey !== null) {
        const seen = await byKey();
        if (seen) return seen;
      }
      const maxQueued = limits.maxQueuedPerSubmitter ?? null;
      const created = await transaction(async (client) => {
        const [depth] = await rows("SELECT COUNT(*) AS n FROM jobs", [], client);
        if (Number(depth!.n) >= limits.maxQueueDepth) return { kind: "queue_full", depth: Number(depth!.n) } as const;
        if (maxQueued !== null) {
          // Under READ COMMITTED two requests could both count below the cap: one submitter's inserts
          // are serialised by a lock held until this transaction ends.
          await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`autograde.queued:${input.submittedBy}`]);
          const [ungraded] = await rows(
            "SELECT COUNT(*) AS n FROM jobs j JOIN submissions s ON s.id = j.submission_id WHERE j.attempt = 1 AND s.submitted_by = $1",
            [input.submittedBy],
            client,
          );
          if (Number(ungraded!.n) >= maxQueued) return { kind: "too_many_queued", queued: Number(ungraded!.n), max: maxQueued } as const;
        }
        const course = input.course ?? "default";
        const assignment = input.assignment ?? "default";
        if (limits.attempts) {
          // As above: one student's attempts at one assignment are counted one request at a time.
          await client.query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", [`autograde.attempts:${course}:${assignment}:${input.student}`]);
          const [counted] = await rows(numbered(ATTEMPTS_SELECT), [course, assignment, input.student], client);
          const count = toAttemptCount(counted);
          if (refusesAttempt(count, limits.attempts, input.now)) return { kind: "attempt_limit", ...count } as const;
        }
        const id = randomUUID();
        // A concurrent request with the same key wins the unique constraint; this one then replays it.
        const inserted = await rows(
          `INSERT INTO submissions (id, student, submitted_by, source, exercises, callback_url, idempotency_key, request_hash, created_at,
             course, assignment, late_minutes, penalty_percent, submitter_role)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT (submitted_by, idempotency_key) DO NOTHING RETURNING id`,
          [id, input.student, input.submittedBy, input.source, input.exercises === null ? null : JSON.stringify(input.exercises),
            input.callbackUrl, input.idempotencyKey, input.requestHash, input.now, course, assignment, input.late?.minutes ?? null, input.late?.penaltyPercent ?? null,
            input.submitterRole ?? null],
          client,
        );
        if (inserted.length === 0) return null;
        await addJob(client, { submissionId: id, attempt: 1 }, input.now);
        return { kind: "created", submission: (await getSubmission(id, client))! } as const;
      });
      return created ?? (await byKey())!;
    },
    getSubmission: (id) => getSubmission(id),
    async getSource(id) {
      const [row] = await rows("SELECT source FROM submissions WHERE id = $1", [id]);
      return row ? String(row.source) : null;
    },
    async listSubmissions(filter) {
      const before = filter.cursor ? decodeCursor(filter.cursor) : null;
      const found = await rows(
        `${SUBMISSION_SELECT}
         WHERE ($1::text IS NULL OR s.student = $1)
           AND ($2::bigint IS NULL OR s.created_at >= $2)
           AND ($3::bigint IS NULL OR s.created_at < $3)
           AND ($4::bigint IS NULL OR s.seq < $4)
           AND ($5::text IS NULL OR s.exercises IS NULL OR jsonb_exists(s.exercises::jsonb, $5))
           AND ($7::text IS NULL OR s.course = $7)
           AND ($8::text IS NULL OR s.assignment = $8)
         ORDER BY s.seq DESC LIMIT $6`,
        [filter.student ?? null, filter.since ?? null, filter.until ?? null, before, filter.exercise ?? null, filter.limit + 1,
          filter.course ?? null, filter.assignment ?? null],
      );
      const page = found.slice(0, filter.limit);
      const last = page.at(-1);
      return { items: page.map(toSubmission), nextCursor: found.length > filter.limit && last ? encodeCursor(Number(last.seq)) : null };
    },
    async listGradings(submissionId) {
      return (await rows("SELECT * FROM gradings WHERE submission_id = $1 ORDER BY attempt", [submissionId])).map((row) => parseGrading(row, ""));
    },
    async beginJob(message, leaseToken): Promise<Job | null> {
      const [row] = await rows(
        `WITH j AS (
           UPDATE jobs SET state = 'running', lease_token = $3, claims = claims + 1, progress = NULL
           WHERE submission_id = $1 AND attempt = $2 RETURNING id, submission_id, attempt, claims)
         SELECT j.*, s.student, s.source, s.exercises, s.callback_url FROM j JOIN submissions s ON s.id = j.submission_id`,
        [message.submissionId, message.attempt, leaseToken],
      );
      return row ? toJob(row, leaseToken) : null;
    },
    async completeJob(job, outcome, timing) {
      return transaction(async (client) => {
        if (outcome.status === "error") {
          // An error is only ours to record while we hold the lease; a finished report is valid whoever holds it.
          const held = await rows("SELECT 1 FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running' FOR UPDATE", [job.jobId, job.leaseToken], client);
          if (held.length === 0) return false;
        }
        const report = outcome.status === "graded" ? outcome.report : null;
        const inserted = await rows(
          `INSERT INTO gradings (submission_id, attempt, status, report, error, score, max_score, started_at, finished_at, webhook_state)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (submission_id, attempt) DO NOTHING RETURNING attempt`,
          [job.submissionId, job.attempt, outcome.status, report ? JSON.stringify(report) : null, outcome.status === "error" ? outcome.error : null,
            report?.score ?? null, report?.maxScore ?? null, timing.startedAt, timing.finishedAt, job.callbackUrl ? "pending" : null],
          client,
        );
        if (report && inserted.length > 0) {
          for (const ex of report.exercises) {
            await client.query("INSERT INTO exercise_scores (submission_id, attempt, exercise_id, score, max_score) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
              [job.submissionId, job.attempt, ex.id, ex.score, ex.maxScore]);
          }
        }
        await client.query("DELETE FROM jobs WHERE submission_id = $1 AND attempt = $2", [job.submissionId, job.attempt]);
        await client.query("SELECT pg_notify($1, $2)", [GRADED_CHANNEL, job.submissionId]);
        return inserted.length > 0;
      });
    },
    async recordProgress(job, progress) {
      const updated = await pool.query("UPDATE jobs SET progress = $1 WHERE id = $2 AND lease_token = $3 AND state = 'running'", [JSON.stringify(progress), job.jobId, job.leaseToken]);
      return (updated.rowCount ?? 0) > 0;
    },
    async releaseJob(jobId, leaseToken) {
      await pool.query("UPDATE jobs SET state = 'queued', lease_token = NULL, progress = NULL WHERE id = $1 AND lease_token = $2 AND state = 'running'", [jobId, leaseToken]);
    },
    async queueDepth() {
      const counts = { queued: 0, running: 0 };
      for (const row of await rows("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")) counts[row.state as "queued" | "running"] = Number(row.n);
      return counts;
    },
    async enqueueRegrade(submissionId, now) {
      return transaction(async (client) => {
        const locked = await rows("SELECT id FROM submissions WHERE id = $1 FOR UPDATE", [submissionId], client);
        return locked.length === 0 ? null : regradeLocked(client, submissionId, now);
      });
    },
    async enqueueBulkRegrade(filter, now) {
      return transaction(async (client) => {
        const ids = await rows(
          `SELECT s.id FROM submissions s
           WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.submission_id = s.id)
             AND ($1::text IS NULL OR s.student = $1)
             AND ($2::text IS NULL OR s.exercises IS NULL OR jsonb_exists(s.exercises::jsonb, $2))
             AND ($3::text IS NULL OR s.course = $3)
           ORDER BY s.seq FOR UPDATE OF s`,
          [filter.student ?? null, filter.exercise ?? null, filter.course ?? null],
          client,
        );
        for (const { id } of ids) await regradeLocked(client, String(id), now);
        return ids.length;
      });
    },
    async gradebook(filter) {
      const found = filter?.student === undefined ? await rows(GRADEBOOK_SELECT) : await rows(gradebookSelect("$1"), [filter.student]);
      return found.map(toGradebookCell);
    },
    async recordDelivery(submissionId, d) {
      await pool.query(
        "INSERT INTO deliveries (submission_id, grading_attempt, attempt, url, status_code, error, at, duration_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        [submissionId, d.gradingAttempt, d.attempt, d.url, d.statusCode, d.error, d.at, d.durationMs],
      );
    },
    async listDeliveries(submissionId) {
      return (await rows("SELECT * FROM deliveries WHERE submission_id = $1 ORDER BY id", [submissionId])).map(toDelivery);
    },
    async pendingWebhooks() {
      const found = await rows(`SELECT g.submission_id, g.attempt, s.callback_url FROM gradings g
        JOIN submissions s ON s.id = g.submission_id WHERE g.webhook_state = 'pending'`);
      return found.map((row) => ({ submissionId: String(row.submission_id), gradingAttempt: Number(row.attempt), callbackUrl: String(row.callback_url) }));
    },
    async markWebhookDone(submissionId, gradingAttempt, state) {
      await pool.query("UPDATE gradings SET webhook_state = $1 WHERE submission_id = $2 AND attempt = $3", [state, submissionId, gradingAttempt]);
    },
  };
}

import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { randomBytes, randomUUID } from "node:crypto";
import Database from "better-sqlite3";
import type { ExerciseId } from "../../exercises/types.ts";
import { migrationsFor } from "./schema.ts";
import { createSqliteGuard } from "./sqlite-guard.ts";
import { createSqliteLtiStorage } from "./sqlite-lti.ts";
import { ATTEMPTS_SELECT, createCourseStorage, refusesAttempt, toAttemptCount, type SqlRunner } from "./course-sql.ts";
import { decodeCursor, encodeCursor, GRADEBOOK_SELECT, gradebookSelect, parseGrading, SUBMISSION_SELECT, toGradebookCell, toJob, toDelivery, toKey, toSubmission, type Row } from "./rows.ts";
import type { CreateSubmissionResult, Job, LeasedQueueStorage, Storage, SubmissionRecord } from "./types.ts";

export function openSqliteStorage(options: { file: string; busyTimeoutMs?: number }): LeasedQueueStorage {
  if (options.file !== ":memory:") mkdirSync(dirname(options.file), { recursive: true });
  const db = new Database(options.file);
  const guard = createSqliteGuard(db, { file: options.file, ...(options.busyTimeoutMs === undefined ? {} : { busyTimeoutMs: options.busyTimeoutMs }) });
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  migrate(db);

  const stmt = {
    byId: db.prepare(`${SUBMISSION_SELECT} WHERE s.id = ?`),
    byIdempotency: db.prepare("SELECT id, request_hash FROM submissions WHERE submitted_by = ? AND idempotency_key = ?"),
    activeJobs: db.prepare("SELECT COUNT(*) AS n FROM jobs"),
    // Attempt 1 not yet stored: never graded. Regrades (later attempts) are staff's doing, not the student's.
    ungradedBy: db.prepare("SELECT COUNT(*) AS n FROM jobs j JOIN submissions s ON s.id = j.submission_id WHERE j.attempt = 1 AND s.submitted_by = ?"),
    depth: db.prepare("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state"),
    insertSubmission: db.prepare(`INSERT INTO submissions
      (id, student, submitted_by, source, exercises, callback_url, idempotency_key, request_hash, created_at, course, assignment, late_minutes, penalty_percent, submitter_role)
      VALUES (@id, @student, @submittedBy, @source, @exercises, @callbackUrl, @idempotencyKey, @requestHash, @now, @course, @assignment, @lateMinutes, @penaltyPercent, @submitterRole)`),
    attempts: db.prepare(ATTEMPTS_SELECT),
    insertJob: db.prepare("INSERT INTO jobs (submission_id, attempt, state, enqueued_at) VALUES (?, ?, 'queued', ?)"),
    source: db.prepare("SELECT source FROM submissions WHERE id = ?"),
    gradings: db.prepare("SELECT * FROM gradings WHERE submission_id = ? ORDER BY attempt"),
    claim: db.prepare(`UPDATE jobs SET state = 'running', lease_token = @token, lease_expires_at = @until,
        claims = claims + 1, progress = NULL
      WHERE id IN (SELECT id FROM jobs WHERE state = 'queued' ORDER BY id LIMIT @limit)
      RETURNING id`),
    jobDetail: db.prepare(`SELECT j.id, j.submission_id, j.attempt, j.claims, j.lease_token,
        s.student, s.source, s.exercises, s.callback_url
      FROM jobs j JOIN submissions s ON s.id = j.submission_id WHERE j.id = ?`),
    renew: db.prepare("UPDATE jobs SET lease_expires_at = ? WHERE id = ? AND lease_token = ? AND state = 'running'"),
    jobByToken: db.prepare("SELECT id FROM jobs WHERE id = ? AND lease_token = ? AND state = 'running'"),
    insertGrading: db.prepare(`INSERT OR IGNORE INTO gradings
      (submission_id, attempt, status, report, error, score, max_score, started_at, finished_at, webhook_state)
      VALUES (@submissionId, @attempt, @status, @report, @error, @score, @maxScore, @startedAt, @finishedAt, @webhookState)`),
    insertScore: db.prepare(`INSERT OR IGNORE INTO exercise_scores (submission_id, attempt, exercise_id, score, max_score)
      VALUES (?, ?, ?, ?, ?)`),
    deleteJobForAttempt: db.prepare("DELETE FROM jobs WHERE submission_id = ? AND attempt = ?"),
    progress: db.prepare("UPDATE jobs SET progress = ? WHERE id = ? AND lease_token = ? AND state = 'running'"),
    release: db.prepare(`UPDATE jobs SET state = 'queued', lease_token = NULL, lease_expires_at = NULL, progress = NULL
      WHERE id = ? AND lease_token = ? AND state = 'running'`),
    requeueExpired: db.prepare(`UPDATE jobs SET state = 'queued', lease_token = NULL, lease_expires_at = NULL, progress = NULL
      WHERE state = 'running' AND lease_expires_at < ?`),
    bumpAttempt: db.prepare("UPDATE submissions SET attempts = attempts + 1 WHERE id = ? RETURNING attempts"),
    hasJob: db.prepare("SELECT attempt FROM jobs WHERE submission_id = ?"),
    gradebook: db.prepare(GRADEBOOK_SELECT),
    studentGradebook: db.prepare(gradebookSelect("?")),
    insertDelivery: db.prepare(`INSERT INTO deliveries
      (submission_id, grading_attempt, attempt, url, status_code, error, at, duration_ms)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    deliveries: db.prepare("SELECT * FROM deliveries WHERE submission_id = ? ORDER BY id"),
    pendingWebhooks: db.prepare(`SELECT g.submission_id, g.attempt, s.callback_url FROM gradings g
      JOIN submissions s ON s.id = g.submission_id WHERE g.webhook_state = 'pending'`),
    webhookDone: db.prepare("UPDATE gradings SET webhook_state = ? WHERE submission_id = ? AND attempt = ?"),
    insertKey: db.prepare("INSERT INTO api_keys (id, role, name, secret_hash, created_at) VALUES (?, ?, ?, ?, ?)"),
    keyByHash: db.prepare("SELECT * FROM api_keys WHERE secret_hash = ? AND revoked_at IS NULL"),
    revokeKey: db.prepare("UPDATE api_keys SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at IS NULL"),
    keys: db.prepare("SELECT * FROM api_keys ORDER BY created_at, id"),
  };

  const getSubmission = (id: string): SubmissionRecord | null => {
    const row = stmt.byId.get(id) as Row | undefined;
    return row ? toSubmission(row) : null;
  };

  const createSubmission = db.transaction(
    (input: Parameters<Storage["createSubmission"]>[0], limits: Parameters<Storage["createSubmission"]>[1]): CreateSubmissionResult => {
      const maxQueued = limits.maxQueuedPerSubmitter ?? null;
      if (input.idempotencyKey !== null) {
        const existing = stmt.byIdempotency.get(input.submittedBy, input.idempotencyKey) as Row | undefined;
        if (existing) {
          if (existing.request_hash !== input.requestHash) return { kind: "idempotency_conflict", existingId: String(existing.id) };
          return { kind: "replayed", submission: getSubmission(String(existing.id))! };
        }
      }
      const depth = Number((stmt.activeJobs.get() as Row).n);
      if (depth >= limits.maxQueueDepth) return { kind: "queue_full", depth };
      if (maxQueued !== null) {
        // Counted inside the IMMEDIATE transaction, which holds the write lock: no concurrent insert slips past.
        const queued = Number((stmt.ungradedBy.get(input.submittedBy) as Row).n);
        if (queued >= maxQueued) return { kind: "too_many_queued", queued, max: maxQueued };
      }
      const course = input.course ?? "default";
      const assignment = input.assignment ?? "default";
      if (limits.attempts) {
        const count = toAttemptCount(stmt.attempts.get(course, assignment, input.student) as Row | undefined);
        if (refusesAttempt(count, limits.attempts, input.now)) return { kind: "attempt_limit", ...count };
      }
      const id = randomUUID();
      stmt.insertSubmission.run({
        ...input,
        id,
        exercises: input.exercises === null ? null : JSON.stringify(input.exercises),
        course,
        assignment,
        lateMinutes: input.late?.minutes ?? null,
        penaltyPercent: input.late?.penaltyPercent ?? null,
        submitterRole: input.submitterRole ?? null,
      });
      stmt.insertJob.run(id, 1, input.now);
      return { kind: "created", submission: getSubmission(id)! };
    },
  );

  const claimJobs = db.transaction((limit: number, until: number): Job[] => {
    const token = randomBytes(12).toString("hex");
    const claimed = stmt.claim.all({ token, until, limit }) as Row[];
    return claimed.map(({ id }) => toJob(stmt.jobDetail.get(id) as Row, token));
  });

  const completeJob = db.transaction((job: Job, outcome: Parameters<Storage["completeJob"]>[1], startedAt: number, finishedAt: number) => {
    // An error is only ours to record while we hold the lease; a finished report is valid whoever holds it.
    if (outcome.status === "error" && !stmt.jobByToken.get(job.jobId, job.leaseToken)) return false;
    const report = outcome.status === "graded" ? outcome.report : null;
    const inserted = stmt.insertGrading.run({
      submissionId: job.submissionId,
      attempt: job.attempt,
      status: outcome.status,
      report: report ? JSON.stringify(report) : null,
      error: outcome.status === "error" ? outcome.error : null,
      score: report?.score ?? null,
      maxScore: report?.maxScore ?? null,
      startedAt,
      finishedAt,
      webhookState: job.callbackUrl ? "pending" : null,
    });
    if (report && inserted.changes > 0) {
      for (const ex of report.exercises) stmt.insertScore.run(job.submissionId, job.attempt, ex.id, ex.score, ex.maxScore);
    }
    stmt.deleteJobForAttempt.run(job.submissionId, job.attempt);
    return inserted.changes > 0;
  });

  const enqueueRegrade = db.transaction((submissionId: string, now: number) => {
    const active = stmt.hasJob.get(submissionId) as Row | undefined;
    if (active) return { attempt: Number(active.attempt), queued: false };
    const bumped = stmt.bumpAttempt.get(submissionId) as Row | undefined;
    if (!bumped) return null;
    stmt.insertJob.run(submissionId, Number(bumped.attempts), now);
    return { attempt: Number(bumped.attempts), queued: true };
  });

  const enqueueBulkRegrade = db.transaction((filter: { exercise?: ExerciseId; student?: string; course?: string }, now: number) => {
    const ids = db
      .prepare(`SELECT s.id FROM submissions s
        WHERE NOT EXISTS (SELECT 1 FROM jobs j WHERE j.submission_id = s.id)
          AND (@student IS NULL OR s.student = @student)
          AND (@course IS NULL OR s.course = @course)
          AND (@exercise IS NULL OR s.exercises IS NULL
               OR EXISTS (SELECT 1 FROM json_each(s.exercises) WHERE value = @exercise))`)
      .all({ student: filter.student ?? null, exercise: filter.exercise ?? null, course: filter.course ?? null }) as Row[];
    for (const { id } of ids) enqueueRegrade(String(id), now);
    return ids.length;
  });

  const storage: LeasedQueueStorage = {
    ...createSqliteLtiStorage(db),
    ...createCourseStorage(sqliteRunner(db)),
    async createSubmission(input, limits) {
      return createSubmission.immediate(input, limits);
    },
    async getSubmission(id) {
      return getSubmission(id);
    },
    async getSource(id) {
      const row = stmt.source.get(id) as Row | undefined;
      return row ? String(row.source) : null;
    },
    async listSubmissions(filter) {
      const before = filter.cursor ? decodeCursor(filter.cursor) : null;
      const rows = db
        .prepare(`${SUBMISSION_SELECT}
          WHERE (@student IS NULL OR s.student = @student)
            AND (@course IS NULL OR s.course = @course)
            AND (@assignment IS NULL OR s.assignment = @assignment)
            AND (@since IS NULL OR s.created_at >= @since)
            AND (@until IS NULL OR s.created_at < @until)
            AND (@before IS NULL OR s.seq < @before)
            AND (@exercise IS NULL OR s.exercises IS NULL
                 OR EXISTS (SELECT 1 FROM json_each(s.exercises) WHERE value = @exercise))
          ORDER BY s.seq DESC LIMIT @limit`)
        .all({
          student: filter.student ?? null,
          course: filter.course ?? null,
          assignment: filter.assignment ?? null,
          since: filter.since ?? null,
          until: filter.until ?? null,
          before,
          exercise: filter.exercise ?? null,
          limit: filter.limit + 1,
        }) as Row[];
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        items: page.map(toSubmission),
        nextCursor: rows.length > filter.limit && last ? encodeCursor(Number(last.seq)) : null,
      };
    },
    async listGradings(submissionId) {
      return (stmt.gradings.all(submissionId) as Row[]).map((row) => parseGrading(row, ""));
    },
    async claimJobs({ limit, leaseMs, now }) {
      return claimJobs.immediate(limit, now + leaseMs);
    },
    async renewLease(jobId, leaseToken, until) {
      return stmt.renew.run(until, jobId, leaseToken).changes > 0;
    },
    async completeJob(job, outcome, timing) {
      return completeJob.immediate(job, outcome, timing.startedAt, timing.finishedAt);
    },
    async recordProgress(job, progress) {
      return stmt.progress.run(JSON.stringify(progress), job.jobId, job.leaseToken).changes > 0;
    },
    async releaseJob(jobId, leaseToken) {
      stmt.release.run(jobId, leaseToken);
    },
    async requeueExpired(now) {
      return stmt.requeueExpired.run(now).changes;
    },
    async queueDepth() {
      const counts = { queued: 0, running: 0 };
      for (const row of stmt.depth.all() as Row[]) counts[row.state as "queued" | "running"] = Number(row.n);
      return counts;
    },
    async enqueueRegrade(submissionId, now) {
      return enqueueRegrade.immediate(submissionId, now);
    },
    async enqueueBulkRegrade(filter, now) {
      return enqueueBulkRegrade.immediate(filter, now);
    },
    async gradebook(filter) {
      const rows = filter?.student === undefined ? stmt.gradebook.all() : stmt.studentGradebook.all(filter.student);
      return (rows as Row[]).map(toGradebookCell);
    },
    async recordDelivery(submissionId, d) {
      stmt.insertDelivery.run(submissionId, d.gradingAttempt, d.attempt, d.url, d.statusCode, d.error, d.at, d.durationMs);
    },
    async listDeliveries(submissionId) {
      return (stmt.deliveries.all(submissionId) as Row[]).map(toDelivery);
    },
    async pendingWebhooks() {
      return (stmt.pendingWebhooks.all() as Row[]).map((row) => ({
        submissionId: String(row.submission_id),
        gradingAttempt: Number(row.attempt),
        callbackUrl: String(row.callback_url),
      }));
    },
    async markWebhookDone(submissionId, gradingAttempt, state) {
      stmt.webhookDone.run(state, submissionId, gradingAttempt);
    },
    async createApiKey({ role, name, secretHash, now }) {
      const id = `key_${randomBytes(8).toString("hex")}`;
      stmt.insertKey.run(id, role, name, secretHash, now);
      return { id, role, name, createdAt: now, revokedAt: null };
    },
    async findApiKeyByHash(secretHash) {
      const row = stmt.keyByHash.get(secretHash) as Row | undefined;
      return row ? toKey(row) : null;
    },
    async revokeApiKey(idOrName, now) {
      return stmt.revokeKey.run(now, idOrName, idOrName).changes;
    },
    async listApiKeys() {
      return (stmt.keys.all() as Row[]).map(toKey);
    },
    async health() {
      return guard.health();
    },
    async close() {
      if (db.open) db.close();
    },
  };
  return guard.wrap(storage);
}

function sqliteRunner(db: Database.Database): SqlRunner {
  const prepared = new Map<string, Database.Statement>();
  const prepare = (text: string) => {
    let statement = prepared.get(text);
    if (!statement) prepared.set(text, (statement = db.prepare(text)));
    return statement;
  };
  const batch = db.transaction((steps: Parameters<SqlRunner["batch"]>[0]) =>
    steps.reduce((changes, step) => changes + prepare(step.text).run(...step.values).changes, 0));
  return {
    async all(text, values = []) {
      return prepare(text).all(...values) as Row[];
    },
    async run(text, values = []) {
      return prepare(text).run(...values).changes;
    },
    async batch(steps) {
      return batch.immediate(steps);
    },
  };
}

const MIGRATIONS = migrationsFor("sqlite");

function migrate(db: Database.Database): void {
  const current = Number(db.pragma("user_version", { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this build knows (${MIGRATIONS.length})`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

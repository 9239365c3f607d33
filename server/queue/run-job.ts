import type { Logger } from "pino";
import { isSubmissionRejection, type Grader } from "../../grader/index.ts";
import type { Report } from "../../grader/report.ts";
import type { Metrics } from "../metrics.ts";
import type { ScoreSink } from "../score-sink.ts";
import type { GradingProgress, Job, JobOutcome, Storage } from "../storage/types.ts";
import { webhookPayload } from "../views.ts";
import type { WebhookSender } from "../webhooks.ts";

function outcomeOf(report: Report): "passed" | "partial" | "failed" {
  if (report.maxScore > 0 && report.score >= report.maxScore) return "passed";
  return report.score > 0 ? "partial" : "failed";
}

/** At most one progress write per grading per this many ms (a burst of 1,000 submissions must not become 10,000 writes). */
export const PROGRESS_WRITE_INTERVAL_MS = 250;

/**
 * Progress writes for one grading, off the grading path: the first goes out on the next turn of the
 * event loop, later ones at most once per intervalMs with the latest state winning, one in flight at
 * a time. A failed write is logged and forgotten: progress is a courtesy, the grade is what counts.
 */
export function progressWriter({ storage, job, log, intervalMs }: {
  storage: Pick<Storage, "recordProgress">;
  job: Pick<Job, "jobId" | "leaseToken">;
  log: Pick<Logger, "warn">;
  intervalMs: number;
}) {
  let pending: GradingProgress | undefined;
  let lastWriteAt = -Infinity;
  let timer: NodeJS.Timeout | undefined;
  let writing = false;
  let stopped = false;
  const flush = () => {
    timer = undefined;
    if (stopped || writing || pending === undefined) return;
    const progress = pending;
    pending = undefined;
    writing = true;
    lastWriteAt = performance.now();
    storage
      .recordProgress(job, progress)
      .catch((err: unknown) => log.warn({ err }, "grading progress not recorded"))
      .finally(() => {
        writing = false;
        schedule();
      });
  };
  const schedule = () => {
    if (stopped || writing || timer !== undefined || pending === undefined) return;
    timer = setTimeout(flush, Math.max(0, lastWriteAt + intervalMs - performance.now()));
    timer.unref();
  };
  return {
    update(progress: GradingProgress): void {
      pending = progress;
      schedule();
    },
    /** The grading is over: nothing more is written (a write in flight finds the job gone or stored). */
    stop(): void {
      stopped = true;
      clearTimeout(timer);
      pending = undefined;
    },
  };
}

/** "retry": grading failed for an internal reason; the caller's queue must deliver the job again. */
export type JobResult = "stored" | "discarded" | "retry";

/**
 * One claimed job, whichever queue delivered it: grade, store the result idempotently, fire the
 * webhook. A job claimed more than maxJobClaims times (each earlier holder died mid-grading) is
 * stored as an error instead of being fed to another worker.
 */
export function createJobRunner({ storage, grader, webhooks, scores, metrics, log, maxJobClaims, now = Date.now }: {
  storage: Storage;
  grader: Grader;
  webhooks: WebhookSender;
  /** LTI grade passback: told of every stored grading (it publishes only for students launched from an LMS). */
  scores: ScoreSink;
  metrics: Metrics;
  log: Logger;
  maxJobClaims: number;
  now?: () => number;
}) {
  async function finish(job: Job, outcome: JobOutcome, startedAt: number, jlog: Logger): Promise<JobResult> {
    const finishedAt = now();
    const stored = await storage.completeJob(job, outcome, { startedAt, finishedAt });
    if (!stored) {
      jlog.warn("grading already stored or lease lost; result discarded");
      return "discarded";
    }
    metrics.gradingFinished(outcome.status === "graded" ? outcomeOf(outcome.report) : "error", (finishedAt - startedAt) / 1000);
    jlog.info(
      outcome.status === "graded"
        ? { status: "graded", score: outcome.report.score, maxScore: outcome.report.maxScore, durationMs: finishedAt - startedAt }
        : { status: "error", error: outcome.error },
      "grading stored",
    );
    scores.gradingStored({ id: job.submissionId, student: job.student, latest: { attempt: job.attempt, status: outcome.status } });
    if (job.callbackUrl) {
      const record = await storage.getSubmission(job.submissionId);
      if (record) webhooks.deliver({ submissionId: job.submissionId, gradingAttempt: job.attempt, url: job.callbackUrl, payload: webhookPayload(record) });
    }
    return "stored";
  }

  return async function runJob(job: Job, { stopping }: { stopping: () => boolean }): Promise<JobResult> {
    const jlog = log.child({ submissionId: job.submissionId, attempt: job.attempt, claims: job.claims });
    const startedAt = now();
    if (job.claims > maxJobClaims) {
      return finish(job, { status: "error", error: `grading did not complete after ${maxJobClaims} tries` }, startedAt, jlog);
    }
    // Logged so operators can see crash recovery at work (a killed worker, a lapsed lease).
    if (job.claims > 1) jlog.warn("an earlier claim did not finish; grading again");
    jlog.info("grading started");
    let outcome: JobOutcome;
    const progress = progressWriter({ storage, job, log: jlog, intervalMs: PROGRESS_WRITE_INTERVAL_MS });
    try {
      const report = await grader.grade({
        source: job.source,
        ...(job.exercises ? { exercises: job.exercises } : {}),
        onProgress: (exercises) => progress.update({ exercises }),
      }).finally(progress.stop);
      outcome = { status: "graded", report };
    } catch (err) {
      // The grader refused the source outright: that is the student's problem, stored, never retried.
      if (isSubmissionRejection(err)) {
        outcome = { status: "error", error: err.message };
      } else if (stopping() || job.claims < maxJobClaims) {
        jlog.error({ err }, "grading failed; job requeued");
        return "retry";
      } else {
        jlog.error({ err }, "grading failed; giving up");
        outcome = { status: "error", error: "grading failed because of an internal error" };
      }
    }
    return finish(job, outcome, startedAt, jlog);
  };
}
export type JobRunner = ReturnType<typeof createJobRunner>;

/**
 * The drain both queues share: wait up to graceMs for the gradings in flight, then put each one
 * still unfinished back in the queue for the next process.
 */
export async function drainActive(
  active: ReadonlyMap<unknown, { readonly job: Job; readonly done: Promise<unknown> }>,
  graceMs: number,
  { storage, log }: { storage: Pick<Storage, "releaseJob">; log: Logger },
): Promise<void> {
  const all = Promise.allSettled([...active.values()].map((a) => a.done));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([all, new Promise((r) => (timer = setTimeout(r, graceMs)))]);
  clearTimeout(timer);
  for (const { job } of active.values()) {
    log.warn({ submissionId: job.submissionId, attempt: job.attempt }, "drain: grading unfinished, job requeued");
    await storage.releaseJob(job.jobId, job.leaseToken);
  }
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { exercises } from "../../exercises/index.ts";
import type { ExerciseId } from "../../exercises/types.ts";
import type { Report } from "../../grader/report.ts";
import { buildApp } from "../../server/app.ts";
import { loadServerConfig } from "../../server/config.ts";
import { createToolKeyStore } from "../../server/lti/key-store.ts";
import { createMetrics } from "../../server/metrics.ts";
import { openSqliteStorage } from "../../server/storage/sqlite.ts";
import type { LeasedQueueStorage } from "../../server/storage/types.ts";

/**
 * The real app over real SQLite, in process, with a clock the test moves and grading done by the
 * test (it takes the queued jobs and stores the report it wants): deadlines are passed by setting
 * the clock, never by waiting.
 */
export const COURSE_KEYS = {
  prof: "prof-secret-for-course-tests",
  alice: "alice-secret-for-course-tests",
  bob: "bob-secret-for-course-tests",
  carol: "carol-secret-for-course-tests",
  dave: "dave-secret-for-course-tests",
} as const;

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export async function startCourseApp() {
  const dir = mkdtempSync(join(tmpdir(), "autograde-courses-"));
  const storage: LeasedQueueStorage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  const clock = { now: Date.UTC(2026, 11, 1, 12) };
  const rescored: { course: string; assignment: string; student: string; submissionId: string }[] = [];
  const config = loadServerConfig({
    AUTOGRADE_DATA_DIR: dir,
    AUTOGRADE_API_KEYS: [
      `staff:prof:${COURSE_KEYS.prof}`,
      ...(["alice", "bob", "carol", "dave"] as const).map((name) => `student:${name}:${COURSE_KEYS[name]}`),
    ].join(","),
    AUTOGRADE_MAX_QUEUED_PER_STUDENT: "50",
  });
  const toolKeys = await createToolKeyStore({ storage, now: () => clock.now, activationDelayMs: 60_000 });
  const app = await buildApp({
    config,
    storage,
    toolKeys,
    exercises,
    queue: { notify: () => {}, waitFor: async () => null as never },
    metrics: createMetrics({ queueDepth: async () => ({ queued: 0, running: 0 }), workerRestarts: () => 0 }),
    log: pino({ level: "silent" }),
    draining: () => false,
    now: () => clock.now,
    rescored: { rescored: (change) => rescored.push(change) },
  });
  await app.ready();

  async function call(key: keyof typeof COURSE_KEYS | null, method: Method, url: string, body?: unknown) {
    const response = await app.inject({
      method,
      url: `/v1${url}`,
      headers: key ? { authorization: `Bearer ${COURSE_KEYS[key]}` } : {},
      ...(body === undefined ? {} : { payload: body as object }),
    });
    return { status: response.statusCode, headers: response.headers, json: /json/.test(String(response.headers["content-type"])) ? response.json() : null, text: response.body };
  }

  /** Grades every queued job: a report with each exercise at `fraction` of its points, or an infrastructure error. */
  async function gradeQueued(outcome: { fraction: number } | { error: string }) {
    const jobs = await storage.claimJobs({ limit: 100, leaseMs: 60_000, now: clock.now });
    for (const job of jobs) {
      const result = "error" in outcome
        ? ({ status: "error", error: outcome.error } as const)
        : ({ status: "graded", report: fakeReport(job.exercises ?? exercises.map((e) => e.id), outcome.fraction) } as const);
      await storage.completeJob(job, result, { startedAt: clock.now, finishedAt: clock.now });
    }
    return jobs.length;
  }

  return {
    app,
    storage,
    clock,
    rescored,
    call,
    gradeQueued,
    async close() {
      await app.close();
      await storage.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** One visible and one hidden case per exercise, both passed at 1, both wrong at 0. */
export function fakeReport(ids: readonly ExerciseId[], fraction: number): Report {
  const graded = exercises.filter((e) => ids.includes(e.id));
  const outcome = fraction > 0 ? "passed" : "wrong";
  return {
    score: graded.reduce((sum, e) => sum + e.points * fraction, 0),
    maxScore: graded.reduce((sum, e) => sum + e.points, 0),
    exercises: graded.map((e) => ({
      id: e.id,
      title: e.title,
      score: e.points * fraction,
      maxScore: e.points,
      status: fraction === 1 ? "passed" : fraction === 0 ? "failed" : "partial",
      cases: [
        { name: `${e.id} visible`, visible: true, outcome, message: outcome, durationMs: 1 },
        { name: `${e.id} hidden`, visible: false, outcome, message: outcome, durationMs: 1 },
      ],
    })),
    diagnostics: [],
    timings: { totalMs: 1, compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0 },
  };
}

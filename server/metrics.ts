import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type GradingOutcome = "passed" | "partial" | "failed" | "error";

/** One registry per app instance, so two apps in one process (tests, bench) never share series. */
export function createMetrics(sources: {
  queueDepth: () => Promise<{ queued: number; running: number }>;
  workerRestarts: () => number;
}) {
  const registry = new Registry();
  const registers = [registry];

  const submissionsReceived = new Counter({
    name: "autograde_submissions_received_total",
    help: "Submissions accepted and stored",
    registers,
  });
  const submissionsGraded = new Counter({
    name: "autograde_submissions_total",
    help: "Finished gradings by outcome: passed (full score), partial, failed (zero) or error",
    labelNames: ["outcome"] as const,
    registers,
  });
  const gradingDuration = new Histogram({
    name: "autograde_grading_duration_seconds",
    help: "Time from claiming a job to storing its grading",
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    registers,
  });
  new Gauge({
    name: "autograde_queue_depth",
    help: "Grading jobs waiting (queued) or being graded (running)",
    labelNames: ["state"] as const,
    registers,
    async collect() {
      const depth = await sources.queueDepth();
      this.set({ state: "queued" }, depth.queued);
      this.set({ state: "running" }, depth.running);
    },
  });
  let restartsSeen = 0;
  new Counter({
    name: "autograde_worker_restarts_total",
    help: "Grading worker processes restarted by the sandbox pool",
    registers,
    collect() {
      const restarts = sources.workerRestarts();
      if (restarts > restartsSeen) this.inc(restarts - restartsSeen);
      restartsSeen = Math.max(restartsSeen, restarts);
    },
  });
  const webhookDeliveries = new Counter({
    name: "autograde_webhook_deliveries_total",
    help: "Webhook delivery attempts by result",
    labelNames: ["result"] as const,
    registers,
  });
  const httpRequests = new Counter({
    name: "autograde_http_requests_total",
    help: "HTTP responses by route and status code",
    labelNames: ["method", "route", "status"] as const,
    registers,
  });

  return {
    registry,
    submissionReceived: () => submissionsReceived.inc(),
    gradingFinished(outcome: GradingOutcome, seconds: number) {
      submissionsGraded.inc({ outcome });
      gradingDuration.observe(seconds);
    },
    webhookAttempt: (result: "delivered" | "retry" | "failed") => webhookDeliveries.inc({ result }),
    httpResponse: (method: string, route: string, status: number) =>
      httpRequests.inc({ method, route, status: String(status) }),
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

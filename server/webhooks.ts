import { createHmac } from "node:crypto";
import type { Logger } from "pino";
import { createBackgroundWork } from "./background.ts";
import type { Metrics } from "./metrics.ts";
import type { DeliveryStorage } from "./storage/types.ts";

export const SIGNATURE_HEADER = "x-autograde-signature";

export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body, "utf8").digest("hex")}`;
}

export interface WebhookConfig {
  readonly webhookSecret?: string | undefined;
  readonly webhookMaxAttempts: number;
  readonly webhookInitialBackoffMs: number;
  readonly webhookTimeoutMs: number;
}

export interface WebhookDelivery {
  readonly submissionId: string;
  readonly gradingAttempt: number;
  readonly url: string;
  readonly payload: unknown;
}

/**
 * POSTs a grading to its callback URL, signed, retrying network errors and 5xx with exponential
 * backoff. Every attempt is recorded. stop() abandons pending retries; the grading stays marked
 * pending in storage and is delivered again after restart.
 */
export function createWebhookSender({ config, storage, log, metrics, fetchImpl = fetch }: {
  config: WebhookConfig;
  storage: Pick<DeliveryStorage, "recordDelivery" | "markWebhookDone">;
  log: Logger;
  metrics: Metrics;
  fetchImpl?: typeof fetch;
}) {
  const work = createBackgroundWork(log);

  async function attempt(delivery: WebhookDelivery, body: string, signature: string, n: number) {
    const started = Date.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      const response = await fetchImpl(delivery.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signature,
          "x-autograde-delivery": `${delivery.submissionId}/${delivery.gradingAttempt}`,
        },
        body,
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(config.webhookTimeoutMs), work.signal]),
      });
      statusCode = response.status;
      await response.body?.cancel();
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    if (work.stopping()) return "abandoned" as const;
    await storage.recordDelivery(delivery.submissionId, {
      attempt: n, gradingAttempt: delivery.gradingAttempt, url: delivery.url, statusCode, error,
      at: started, durationMs: Date.now() - started,
    });
    if (statusCode !== null && statusCode >= 200 && statusCode < 300) return "delivered" as const;
    // 4xx and redirects will not improve by asking again; network errors and 5xx may.
    return statusCode === null || statusCode >= 500 ? ("retry" as const) : ("failed" as const);
  }

  async function run(delivery: WebhookDelivery): Promise<void> {
    const wlog = log.child({ submissionId: delivery.submissionId, attempt: delivery.gradingAttempt });
    if (!config.webhookSecret) {
      wlog.warn("callback not sent: AUTOGRADE_WEBHOOK_SECRET is not configured");
      await storage.markWebhookDone(delivery.submissionId, delivery.gradingAttempt, "failed");
      return;
    }
    const body = JSON.stringify(delivery.payload);
    const signature = signBody(config.webhookSecret, body);
    for (let n = 1; n <= config.webhookMaxAttempts; n++) {
      const result = await attempt(delivery, body, signature, n);
      if (result === "abandoned") return;
      const final = result === "delivered" || result === "failed" || n === config.webhookMaxAttempts;
      metrics.webhookAttempt(result === "retry" && final ? "failed" : result);
      if (final) {
        const state = result === "delivered" ? "delivered" : "failed";
        await storage.markWebhookDone(delivery.submissionId, delivery.gradingAttempt, state);
        wlog.info({ webhook: state, deliveryAttempts: n }, "webhook finished");
        return;
      }
      if (!(await work.sleep(config.webhookInitialBackoffMs * 2 ** (n - 1)))) return;
    }
  }

  return {
    deliver(delivery: WebhookDelivery): void {
      if (work.stopping()) return;
      work.run(run(delivery), "webhook delivery crashed", { submissionId: delivery.submissionId });
    },
    /** Waits for deliveries in progress, abandoning their remaining retries. */
    stop: work.stop,
    /** Resolves when nothing is in flight (tests and drain). */
    idle: work.idle,
  };
}
export type WebhookSender = ReturnType<typeof createWebhookSender>;

import type { FastifyRateLimitStore } from "@fastify/rate-limit";
import type { Logger } from "pino";
import type { Exercise } from "../exercises/types.ts";
import type { ServerConfig } from "./config.ts";
import type { ToolKeyStore } from "./lti/key-store.ts";
import type { Metrics } from "./metrics.ts";
import type { SubmissionWaiter } from "./queue/backend.ts";
import type { RescoreSink } from "./score-sink.ts";
import type { Storage } from "./storage/types.ts";

/** What buildApp hands every route plugin: app.ts and the routes both import it from here. */
export interface AppDeps {
  readonly config: ServerConfig;
  readonly storage: Storage;
  readonly queue: SubmissionWaiter;
  readonly exercises: readonly Exercise[];
  readonly metrics: Metrics;
  readonly log: Logger;
  /** The LTI tool's signing keys (shared through storage by every process). */
  readonly toolKeys: ToolKeyStore;
  /** True once SIGTERM arrived: new submissions get 503 and /readyz fails. */
  readonly draining: () => boolean;
  /** The server's clock (epoch ms): deadlines, lateness and release compare with it. Absent: Date.now. */
  readonly now?: () => number;
  /** Told of recomputed scores so LMS line items get them again (server/lti/publisher.ts). */
  readonly rescored?: RescoreSink | undefined;
  /** Where rate-limit windows are counted when several api nodes share them (PostgreSQL); otherwise in this process. */
  readonly rateLimitStore?: FastifyRateLimitStore | undefined;
}

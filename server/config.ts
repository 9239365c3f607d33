import { z } from "zod";
import { graderConfigSchema } from "../grader/config.ts";
import { FRAME_ANCESTOR_ORIGIN } from "../web/frame-ancestors.ts";

export const API_ROLES = ["staff", "student"] as const;
/** api: HTTP only (no isolates); worker: grading only (no HTTP); all: both in one process. */
export const PROCESS_ROLES = ["api", "worker", "all"] as const;
export type ProcessRole = (typeof PROCESS_ROLES)[number];
export type ApiRole = (typeof API_ROLES)[number];

/** Names become log fields, CSV cells and URL filters, so keep them to a safe alphabet. */
export const principalName = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, "use 1-64 letters, digits or . _ @ -, starting with a letter or digit");

const staticApiKey = z.object({
  role: z.enum(API_ROLES),
  name: principalName,
  secret: z.string().min(12, "secret must be at least 12 characters"),
});
export type StaticApiKey = z.infer<typeof staticApiKey>;

const positiveInt = z.number().int().min(1);

export const serverConfigSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(3000),
  host: z.string().min(1).default("127.0.0.1"),
  dataDir: z.string().min(1).default("./data"),
  apiKeys: z.array(staticApiKey).default([]),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  /** Jobs graded at once by this process; the grader's pool queues beyond its own size. */
  gradingConcurrency: positiveInt.max(256).default(2),
  maxQueueDepth: positiveInt.default(1000),
  /** Submissions one key or launch may have waiting or grading at once; staff API keys are exempt. */
  maxQueuedPerStudent: positiveInt.max(10_000).default(3),
  rateLimitPerMinute: positiveInt.default(600),
  waitMaxMs: z.number().int().min(0).max(600_000).default(30_000),
  /** A socket with no byte in or out for this long is closed. A ?wait=true reply sends nothing until grading ends, so this outlasts waitMaxMs. */
  connectionTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  /** Headers and body must have arrived this long after the request began, however slowly they trickle in. */
  requestTimeoutMs: z.number().int().min(100).max(3_600_000).default(60_000),
  /** The headers alone must have arrived within this (Node's http.Server headersTimeout). */
  headersTimeoutMs: z.number().int().min(100).max(3_600_000).default(10_000),
  /** An idle keep-alive connection is closed after this; behind a proxy, keep it above the proxy's own idle timeout. */
  keepAliveTimeoutMs: z.number().int().min(100).max(3_600_000).default(5_000),
  /** A claimed job is requeued when its lease lapses (the holder crashed); holders renew it. */
  leaseMs: z.number().int().min(500).max(3_600_000).default(30_000),
  queuePollIntervalMs: z.number().int().min(10).max(60_000).default(1000),
  /** A job whose grading never completes after this many claims is stored as an error. */
  maxJobClaims: positiveInt.max(100).default(3),
  drainGraceMs: z.number().int().min(0).max(600_000).default(20_000),
  webhookSecret: z.string().min(16, "use at least 16 characters").optional(),
  webhookMaxAttempts: positiveInt.max(20).default(5),
  webhookInitialBackoffMs: z.number().int().min(1).max(600_000).default(1000),
  webhookTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
  /** Set: PostgreSQL storage and the pg-boss queue (scale-out). Unset: the embedded SQLite default. */
  databaseUrl: z.string().regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL").optional(),
  role: z.enum(PROCESS_ROLES).default("all"),
  /** Connections per process in the storage pool (pg-boss and LISTEN use their own few). */
  pgPoolSize: positiveInt.max(100).default(10),
  /** How often pg-boss looks for expired leases; a killed worker's job is retried within lease + this. */
  queueMaintenanceIntervalMs: z.number().int().min(1000).max(600_000).default(10_000),
  /**
   * The service's public origin (https://autograde.example.edu), used in the LTI URLs given to
   * platforms (redirect, target link, JWKS). Unset: taken from each request's Host header.
   */
  publicUrl: z.string().regex(/^https?:\/\/[^/?#\s]+$/, "must be an origin like https://autograde.example.edu, without a path").optional(),
  /** LMS origins allowed to show the page in an iframe (CSP frame-ancestors); empty: framing refused. */
  ltiFrameAncestors: z.array(z.string().regex(FRAME_ANCESTOR_ORIGIN, "each must be an https origin like https://canvas.example.edu (http only for localhost)")).default([]),
  /** How long a launch's bearer token (handed to the page in #launch=) stays valid. */
  ltiSessionTtlMs: z.number().int().min(60_000).max(7 * 24 * 3_600_000).default(8 * 3_600_000),
  /** How long the browser has between /lti/login and /lti/launch. */
  ltiLoginStateTtlMs: z.number().int().min(10_000).max(3_600_000).default(600_000),
  /** How long the login and launch pages wait for the LMS to answer an lti.put_data / lti.get_data postMessage. */
  ltiPlatformStorageTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
  /**
   * Refuse logins whose platform offers no postMessage storage. Otherwise they fall back to an
   * unbound state, which an attacker can also choose by leaving lti_storage_target out of their own login.
   */
  ltiRequirePlatformStorage: z.boolean().default(false),
  /** best: the gradebook's best score per exercise, summed over the line item's exercises; latest: the newest grading's. */
  ltiScorePolicy: z.enum(["best", "latest"]).default("best"),
  /**
   * A rotated tool key is published at once but signs only after this delay, so platforms that
   * cached the JWKS (ours says max-age=60) fetch it before they meet a token signed with it.
   */
  ltiKeyActivationDelayMs: z.number().int().min(0).max(7 * 24 * 3_600_000).default(120_000),
  ltiPublishMaxAttempts: positiveInt.max(20).default(5),
  ltiPublishInitialBackoffMs: z.number().int().min(1).max(600_000).default(1000),
  /** A similarity comparison (GET /v1/similarity) still running after this fails; the next request tries again. */
  similarityTimeoutMs: z.number().int().min(1000).max(3_600_000).default(300_000),
  /** Pairs in GET /v1/similarity's JSON answer, most similar first (its CSV and HTML list every pair). */
  similarityMaxPairs: positiveInt.max(1000).default(100),
  grader: graderConfigSchema,
}).refine((c) => c.role === "all" || c.databaseUrl !== undefined, {
  path: ["role"],
  message: "api and worker roles share a database: set DATABASE_URL (the embedded SQLite mode runs only as all)",
}).refine((c) => c.connectionTimeoutMs > c.waitMaxMs, {
  path: ["connectionTimeoutMs"],
  message: "must be above AUTOGRADE_WAIT_MAX_MS: a ?wait=true request is silent while it waits, and an idle connection is closed",
}).refine((c) => c.headersTimeoutMs <= c.requestTimeoutMs, {
  path: ["headersTimeoutMs"],
  message: "must not be above AUTOGRADE_REQUEST_TIMEOUT_MS (the headers are part of the request)",
});
export type ServerConfig = z.infer<typeof serverConfigSchema>;

type Kind = "int" | "string" | "bool" | "keys" | "list";
/** Environment variable -> config path; the error message names the variable, never the path. */
const ENV: readonly { env: string; path: readonly [string] | readonly ["grader", string]; kind: Kind }[] = [
  { env: "PORT", path: ["port"], kind: "int" },
  { env: "HOST", path: ["host"], kind: "string" },
  { env: "AUTOGRADE_DATA_DIR", path: ["dataDir"], kind: "string" },
  { env: "AUTOGRADE_API_KEYS", path: ["apiKeys"], kind: "keys" },
  { env: "AUTOGRADE_LOG_LEVEL", path: ["logLevel"], kind: "string" },
  { env: "AUTOGRADE_GRADING_CONCURRENCY", path: ["gradingConcurrency"], kind: "int" },
  { env: "AUTOGRADE_MAX_QUEUE_DEPTH", path: ["maxQueueDepth"], kind: "int" },
  { env: "AUTOGRADE_MAX_QUEUED_PER_STUDENT", path: ["maxQueuedPerStudent"], kind: "int" },
  { env: "AUTOGRADE_RATE_LIMIT_PER_MINUTE", path: ["rateLimitPerMinute"], kind: "int" },
  { env: "AUTOGRADE_WAIT_MAX_MS", path: ["waitMaxMs"], kind: "int" },
  { env: "AUTOGRADE_CONNECTION_TIMEOUT_MS", path: ["connectionTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_REQUEST_TIMEOUT_MS", path: ["requestTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_HEADERS_TIMEOUT_MS", path: ["headersTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_KEEP_ALIVE_TIMEOUT_MS", path: ["keepAliveTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_LEASE_MS", path: ["leaseMs"], kind: "int" },
  { env: "AUTOGRADE_QUEUE_POLL_INTERVAL_MS", path: ["queuePollIntervalMs"], kind: "int" },
  { env: "AUTOGRADE_MAX_JOB_CLAIMS", path: ["maxJobClaims"], kind: "int" },
  { env: "AUTOGRADE_DRAIN_GRACE_MS", path: ["drainGraceMs"], kind: "int" },
  { env: "AUTOGRADE_WEBHOOK_SECRET", path: ["webhookSecret"], kind: "string" },
  { env: "AUTOGRADE_WEBHOOK_MAX_ATTEMPTS", path: ["webhookMaxAttempts"], kind: "int" },
  { env: "AUTOGRADE_WEBHOOK_INITIAL_BACKOFF_MS", path: ["webhookInitialBackoffMs"], kind: "int" },
  { env: "AUTOGRADE_WEBHOOK_TIMEOUT_MS", path: ["webhookTimeoutMs"], kind: "int" },
  { env: "DATABASE_URL", path: ["databaseUrl"], kind: "string" },
  { env: "AUTOGRADE_ROLE", path: ["role"], kind: "string" },
  { env: "AUTOGRADE_PG_POOL_SIZE", path: ["pgPoolSize"], kind: "int" },
  { env: "AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS", path: ["queueMaintenanceIntervalMs"], kind: "int" },
  { env: "AUTOGRADE_PUBLIC_URL", path: ["publicUrl"], kind: "string" },
  { env: "AUTOGRADE_LTI_FRAME_ANCESTORS", path: ["ltiFrameAncestors"], kind: "list" },
  { env: "AUTOGRADE_LTI_SESSION_TTL_MS", path: ["ltiSessionTtlMs"], kind: "int" },
  { env: "AUTOGRADE_LTI_LOGIN_STATE_TTL_MS", path: ["ltiLoginStateTtlMs"], kind: "int" },
  { env: "AUTOGRADE_LTI_PLATFORM_STORAGE_TIMEOUT_MS", path: ["ltiPlatformStorageTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_LTI_REQUIRE_PLATFORM_STORAGE", path: ["ltiRequirePlatformStorage"], kind: "bool" },
  { env: "AUTOGRADE_LTI_SCORE_POLICY", path: ["ltiScorePolicy"], kind: "string" },
  { env: "AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS", path: ["ltiKeyActivationDelayMs"], kind: "int" },
  { env: "AUTOGRADE_LTI_PUBLISH_MAX_ATTEMPTS", path: ["ltiPublishMaxAttempts"], kind: "int" },
  { env: "AUTOGRADE_LTI_PUBLISH_INITIAL_BACKOFF_MS", path: ["ltiPublishInitialBackoffMs"], kind: "int" },
  { env: "AUTOGRADE_SIMILARITY_TIMEOUT_MS", path: ["similarityTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_SIMILARITY_MAX_PAIRS", path: ["similarityMaxPairs"], kind: "int" },
  { env: "AUTOGRADE_POOL_SIZE", path: ["grader", "poolSize"], kind: "int" },
  { env: "AUTOGRADE_SANDBOX_MEMORY_MB", path: ["grader", "sandboxMemoryMb"], kind: "int" },
  { env: "AUTOGRADE_SANDBOX_WORKER_RSS_MB", path: ["grader", "sandboxWorkerRssMb"], kind: "int" },
  { env: "AUTOGRADE_SANDBOX_TIMEOUT_MS", path: ["grader", "sandboxTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_EXERCISE_DEADLINE_MS", path: ["grader", "exerciseDeadlineMs"], kind: "int" },
  { env: "AUTOGRADE_SUBMISSION_DEADLINE_MS", path: ["grader", "submissionDeadlineMs"], kind: "int" },
  { env: "AUTOGRADE_MAX_SOURCE_BYTES", path: ["grader", "maxSourceBytes"], kind: "int" },
  { env: "AUTOGRADE_MAX_OUTPUT_ELEMENTS", path: ["grader", "maxOutputElements"], kind: "int" },
  { env: "AUTOGRADE_MAX_REPORT_BYTES", path: ["grader", "maxReportBytes"], kind: "int" },
  { env: "AUTOGRADE_TYPECHECK", path: ["grader", "typecheck"], kind: "bool" },
  { env: "AUTOGRADE_TYPECHECK_TIMEOUT_MS", path: ["grader", "typecheckTimeoutMs"], kind: "int" },
  { env: "AUTOGRADE_TYPECHECK_MAX_BUSY_PERCENT", path: ["grader", "typecheckMaxBusyPercent"], kind: "int" },
];

export class ConfigError extends Error {
  override name = "ConfigError";
}

function convert(env: string, raw: string, kind: Kind): unknown {
  const value = raw.trim();
  switch (kind) {
    case "string":
      return value;
    case "int":
      // Left as a string when not numeric so the schema reports "expected number" for this variable.
      return /^-?\d+$/.test(value) ? Number(value) : value;
    case "bool":
      if (/^(1|true|yes|on)$/i.test(value)) return true;
      if (/^(0|false|no|off)$/i.test(value)) return false;
      return value;
    case "keys":
      return parseApiKeyList(env, value);
    case "list":
      return value === "" ? [] : value.split(/[\s,]+/).filter((item) => item !== "");
  }
}

/** `role:name:secret,...`; the secret may itself contain colons. Errors never echo a secret. */
function parseApiKeyList(env: string, value: string): unknown[] {
  if (value === "") return [];
  return value.split(",").map((entry, index) => {
    const parts = entry.trim().split(":");
    if (parts.length < 3) {
      throw new ConfigError(`${env}: entry ${index + 1} must look like role:name:secret`);
    }
    const [role, name, ...secret] = parts;
    return { role, name, secret: secret.join(":") };
  });
}

export function loadServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
  // The service's own default: a deadline burst is where a checker taking a core from grading hurts
  // (the CLI grades one submission at a time and keeps the grader's default of never skipping).
  const raw: Record<string, unknown> & { grader: Record<string, unknown> } = { grader: { typecheckMaxBusyPercent: 25 } };
  for (const entry of ENV) {
    const value = env[entry.env];
    if (value === undefined || (value.trim() === "" && entry.kind !== "keys" && entry.kind !== "list")) continue;
    const converted = convert(entry.env, value, entry.kind);
    if (entry.path.length === 1) raw[entry.path[0]] = converted;
    else raw.grader[entry.path[1]] = converted;
  }
  const parsed = serverConfigSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => {
    const variable = ENV.find((e) => e.path.every((segment, i) => issue.path[i] === segment));
    const where = variable ? variable.env : issue.path.join(".");
    const entry = (variable?.kind === "keys" || variable?.kind === "list") && typeof issue.path[1] === "number" ? ` entry ${issue.path[1] + 1}` : "";
    return `${where}${entry}: ${issue.message}`;
  });
  throw new ConfigError(`invalid configuration: ${problems.join("; ")}`);
}

import { availableParallelism } from "node:os";
import { z } from "zod";

/**
 * The grader's one config schema. The service embeds it in its own config, the CLI parses it once
 * with defaults; both pass the parsed value down. Every limit carries its unit in its name.
 */
/** The worker RSS ceiling when none is configured: room for the worker itself, its isolate's heap twice over, and the arguments. */
export const defaultWorkerRssMb = (sandboxMemoryMb: number): number => 2 * sandboxMemoryMb + 256;

export const graderConfigSchema = z.object({
  /** Worker processes; under contention isolated-vm's timeout behaves like wall time, so stay near the core count. */
  poolSize: z.number().int().min(1).max(64).default(Math.max(1, Math.min(availableParallelism(), 8))),
  sandboxMemoryMb: z.number().int().min(8).max(4096).default(128),
  /**
   * Ceiling on a worker process's resident memory, watched from outside the worker (/proc), because
   * V8's heap accounting misses memory it allocates off the heap (a worker grading the model
   * solution peaks near 110 MB). Default: defaultWorkerRssMb.
   */
  sandboxWorkerRssMb: z.number().int().min(64).max(65_536).optional(),
  /** Per-case limit when an exercise sets none of its own. */
  sandboxTimeoutMs: z.number().int().min(10).max(600_000).default(2000),
  exerciseDeadlineMs: z.number().int().min(100).max(3_600_000).default(30_000),
  submissionDeadlineMs: z.number().int().min(100).max(3_600_000).default(120_000),
  maxSourceBytes: z.number().int().min(1).max(16 * 1024 * 1024).default(262_144),
  maxOutputElements: z.number().int().min(1).max(100_000_000).default(4_000_000),
  /**
   * Cap on a report as JSON, enforced before it is returned (and so before the service stores it):
   * over it, printouts and then details are left out, never scores or outcomes.
   */
  maxReportBytes: z.number().int().min(65_536).max(256 * 1024 * 1024).default(1024 * 1024),
  /** TypeScript checker warnings: ~1 s cold, tens to hundreds of ms warm, in a thread of their own. */
  typecheck: z.boolean().default(true),
  /** A check still running after this is abandoned with a "skipped" warning (hostile types can stall tsc). */
  typecheckTimeoutMs: z.number().int().min(100).max(600_000).default(10_000),
  /**
   * The most of one core's time the checker may take: after a check of T ms the next waits
   * T × (100 / percent - 1), and one arriving before then, or while two are in the thread, is
   * skipped with a warning. A warm check costs about as much CPU as grading the model solution, so under a burst
   * it would take a core from grading. 100 (the default here; the service defaults to 25): never
   * skipped, checks queue.
   */
  typecheckMaxBusyPercent: z.number().int().min(1).max(100).default(100),
})
  .transform(({ sandboxWorkerRssMb, ...config }) => ({ ...config, sandboxWorkerRssMb: sandboxWorkerRssMb ?? defaultWorkerRssMb(config.sandboxMemoryMb) }))
  .refine((c) => c.sandboxWorkerRssMb >= c.sandboxMemoryMb + 64, {
    path: ["sandboxWorkerRssMb"],
    message: "must be at least sandboxMemoryMb + 64: a worker holds its isolate's heap and more",
  });

export type GraderConfig = z.infer<typeof graderConfigSchema>;

export function parseGraderConfig(input: unknown = {}): GraderConfig {
  const parsed = graderConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`invalid grader config: ${problems.join("; ")}`);
  }
  return parsed.data;
}

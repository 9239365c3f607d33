import { exercises as catalogue } from "../exercises/index.ts";
import type { GraderConfig } from "./config.ts";
import { createGrader, type ClosableGrader, type GraderLog } from "./index.ts";
import { createSandboxPool } from "./sandbox/pool.ts";
import type { SandboxPool } from "./sandbox/protocol.ts";

export interface LocalGrader {
  readonly grader: ClosableGrader;
  readonly pool: SandboxPool;
  /** Drains the pool, ends its worker processes and the type-check thread; the caller's process can then exit. */
  close(graceMs?: number): Promise<void>;
}

/** A grader over the real catalogue and a fresh sandbox pool sized from config: what the CLI and the service start. */
export function createLocalGrader({ config, log, sandboxLog = log }: {
  readonly config: GraderConfig;
  readonly log: GraderLog;
  /** Where the sandbox pool logs (worker restarts, watchdog kills); the grader's own log by default. */
  readonly sandboxLog?: GraderLog;
}): LocalGrader {
  const pool = createSandboxPool({ size: config.poolSize, sandboxMemoryMb: config.sandboxMemoryMb, workerRssMb: config.sandboxWorkerRssMb, maxOutputElements: config.maxOutputElements, log: sandboxLog });
  const grader = createGrader({ pool, exercises: catalogue, log, config });
  return {
    grader,
    pool,
    close: async (graceMs = 5000) => {
      await Promise.all([pool.close(graceMs), grader.close()]);
    },
  };
}

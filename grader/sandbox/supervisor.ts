import { fork, type ChildProcess } from "node:child_process";
import type { WorkerConfig, WorkerMessage } from "./messages.ts";
import { watchResidentMemory } from "./rss.ts";

export interface SandboxLog {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface WorkerExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Set when the pool killed it (watchdog, shutdown); otherwise it died on its own. */
  readonly killedFor: string | undefined;
  /** The end of its stderr: V8 prints its fatal out-of-memory report there. */
  readonly stderrTail: string;
}

/** One live worker process. Listeners are per job segment; the process outlives many jobs. */
export interface LiveWorker {
  readonly pid: number | undefined;
  alive(): boolean;
  send(message: unknown): void;
  onMessage(listener: (message: WorkerMessage) => void): () => void;
  /** Fires once, after the process is gone and its pipes are drained. */
  onExit(listener: (exit: WorkerExit) => void): () => void;
  kill(reason: string): void;
}

export interface WorkerSlotOptions {
  readonly entry: string;
  readonly execArgv: readonly string[];
  readonly config: WorkerConfig;
  readonly log: SandboxLog;
  readonly startupTimeoutMs: number;
  readonly maxStartupFailures: number;
  /** Resident memory above which the worker is killed and its case charged as memory_limit. */
  readonly workerRssMb: number;
  readonly rssPollMs: number;
  readonly onRestart: () => void;
}

export interface WorkerSlot {
  /** A ready worker; respawns (with backoff on startup failures) when the last one died. */
  acquire(): Promise<LiveWorker>;
  /** Kills the worker (if any) and resolves once it is gone. */
  shutdown(): Promise<void>;
}

const STDERR_TAIL_CHARS = 16_384;
/**
 * V8's fatal heap report. After printing it a worker can hang instead of aborting (observed with the
 * tsx loader thread), so the report itself is the signal: kill at once and call it memory.
 */
export const FATAL_OOM_PATTERN = /<--- Last few GCs --->|heap out of memory|is_heap_oom|Fatal JavaScript out of memory|Reached heap limit/i;
export const KILLED_FOR_OOM = "out_of_memory";
const MAX_BACKOFF_MS = 5000;

function spawnWorker(options: WorkerSlotOptions): Promise<LiveWorker> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = fork(options.entry, [JSON.stringify(options.config)], {
      execArgv: [...options.execArgv],
      serialization: "advanced",
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let stderrTail = "";
    let killedFor: string | undefined;
    let exited: WorkerExit | undefined;
    const exitListeners = new Set<(exit: WorkerExit) => void>();
    child.stdout?.on("data", () => {});
    child.stderr?.setEncoding("utf8");
    child.stderr?.on("data", (chunk: string) => {
      stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
      if (FATAL_OOM_PATTERN.test(stderrTail)) worker.kill(KILLED_FOR_OOM);
    });
    const worker: LiveWorker = {
      pid: child.pid,
      alive: () => exited === undefined && killedFor === undefined,
      send: (message) => {
        child.send(message as never);
      },
      onMessage: (listener) => {
        child.on("message", listener as never);
        return () => child.off("message", listener as never);
      },
      onExit: (listener) => {
        if (exited) {
          const done = exited;
          queueMicrotask(() => listener(done));
          return () => {};
        }
        exitListeners.add(listener);
        return () => exitListeners.delete(listener);
      },
      kill: (reason) => {
        if (exited || killedFor !== undefined) return;
        killedFor = reason;
        child.kill("SIGKILL");
      },
    };
    const startupTimer = setTimeout(() => worker.kill("startup timeout"), options.startupTimeoutMs);
    const rssWatch =
      child.pid === undefined
        ? undefined
        : watchResidentMemory(child.pid, options.workerRssMb, options.rssPollMs, (rssMb) => {
            options.log.warn({ pid: child.pid, rssMb: Math.round(rssMb), ceilingMb: options.workerRssMb }, "sandbox worker over its resident memory ceiling");
            worker.kill(KILLED_FOR_OOM);
          });
    const onReady = (message: WorkerMessage) => {
      if (message?.t !== "ready") return;
      clearTimeout(startupTimer);
      child.off("message", onReady as never);
      resolve(worker);
    };
    child.on("message", onReady as never);
    child.on("error", (error) => {
      // fork failed outright (or a send failed); 'close' follows if the process existed.
      if (child.pid === undefined) reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(startupTimer);
      rssWatch?.stop();
      exited = { code, signal, killedFor, stderrTail };
      reject(new Error(`sandbox worker exited before it was ready (code ${code}, signal ${signal}): ${stderrTail.slice(-2000)}`));
      for (const listener of exitListeners) listener(exited);
      exitListeners.clear();
    });
  });
}

export function createWorkerSlot(options: WorkerSlotOptions): WorkerSlot {
  let current: Promise<LiveWorker> | undefined;
  let stopped = false;
  let spawnedBefore = false;
  /** Deaths the pool did not cause, in a row: student OOM aborts count, so only a longer run backs off. */
  let unexpectedDeaths = 0;

  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const spawnWithBackoff = async (delayMs: number): Promise<LiveWorker> => {
    if (delayMs > 0) await sleep(delayMs);
    let failures = 0;
    for (;;) {
      if (stopped) throw new Error("sandbox pool is shutting down");
      if (spawnedBefore) options.onRestart();
      spawnedBefore = true;
      try {
        return await spawnWorker(options);
      } catch (error) {
        failures++;
        options.log.error({ err: error, failures }, "sandbox worker failed to start");
        if (failures >= options.maxStartupFailures) {
          throw new Error(`sandbox worker failed to start ${failures} times in a row; last error: ${error instanceof Error ? error.message : String(error)}`);
        }
        // A crash loop must not spin: back off exponentially between attempts.
        await sleep(Math.min(MAX_BACKOFF_MS, 100 * 2 ** (failures - 1)));
      }
    }
  };

  const start = (delayMs: number): Promise<LiveWorker> => {
    const attempt = spawnWithBackoff(delayMs);
    current = attempt;
    attempt.then(
      (worker) => {
        const readyAt = Date.now();
        if (stopped) worker.kill("shutdown");
        worker.onExit((exit) => {
          if (exit.killedFor === undefined) {
            unexpectedDeaths = Date.now() - readyAt > STABLE_LIFETIME_MS ? 1 : unexpectedDeaths + 1;
            options.log.warn({ pid: worker.pid, code: exit.code, signal: exit.signal, stderr: exit.stderrTail.slice(-2000) }, "sandbox worker died");
          } else {
            unexpectedDeaths = 0;
          }
          if (current !== attempt) return;
          current = undefined;
          // Replace it now so the next exercise does not wait for a cold start. Fire and forget: a
          // failed start is logged by spawnWithBackoff and surfaces again at the next acquire().
          if (!stopped) void start(respawnDelayMs(unexpectedDeaths)).catch(() => {});
        });
      },
      () => {
        if (current === attempt) current = undefined;
      },
    );
    return attempt;
  };

  return {
    async acquire() {
      for (;;) {
        const attempt = current ?? start(0);
        const worker = await attempt;
        if (worker.alive()) return worker;
        // Killed but its exit not yet processed: replace it without waiting (fire and forget: the
        // next turn of this loop awaits the replacement, and sees its failure).
        if (current === attempt) void start(0).catch(() => {});
      }
    },
    async shutdown() {
      stopped = true;
      const worker = await current?.catch(() => undefined);
      if (worker === undefined) return;
      const gone = new Promise<void>((resolve) => worker.onExit(() => resolve()));
      worker.kill("shutdown");
      await gone;
    },
  };
}

const STABLE_LIFETIME_MS = 30_000;

function respawnDelayMs(unexpectedDeaths: number): number {
  return unexpectedDeaths <= 2 ? 0 : Math.min(MAX_BACKOFF_MS, 100 * 2 ** (unexpectedDeaths - 3));
}

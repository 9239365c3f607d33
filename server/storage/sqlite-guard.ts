import { statSync } from "node:fs";
import type Database from "better-sqlite3";
import { StorageUnavailableError, type StorageHealth } from "./types.ts";

/**
 * better-sqlite3 is synchronous: while another process holds the write lock, every write blocks
 * the event loop for the whole busy_timeout. Keep it short, and after one refusal fail at once
 * (busy_timeout 0) for a while, so a long lock costs one short stall per window, not one per write.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 100;
const FAIL_FAST_WINDOW_MS = 1000;

/** Extended result codes start with the primary one (SQLITE_BUSY_SNAPSHOT, SQLITE_LOCKED_SHAREDCACHE, ...). */
const CONTENTION = /^SQLITE_(BUSY|LOCKED)/;

const identityOf = (file: string) => {
  const stat = statSync(file, { bigint: true, throwIfNoEntry: false });
  return stat ? { dev: stat.dev, ino: stat.ino } : null;
};

export interface SqliteGuard {
  /** Wraps each method but close and health: refused while the file is gone, lock contention turned into StorageUnavailableError. */
  wrap<T extends object>(methods: T): T;
  /** Whether a write could start now: the file is the one opened and its write lock is free. */
  health(): StorageHealth;
}

export function createSqliteGuard(db: Database.Database, { file, busyTimeoutMs = SQLITE_BUSY_TIMEOUT_MS, now = Date.now }: {
  file: string;
  busyTimeoutMs?: number;
  now?: () => number;
}): SqliteGuard {
  // The path is compared with what was opened: a deleted file keeps working through our handle,
  // and whatever we wrote would vanish at the next start.
  const opened = file === ":memory:" ? null : identityOf(file);
  let failFastUntil = 0;
  db.pragma(`busy_timeout = ${busyTimeoutMs}`);

  function fileProblem(): string | null {
    if (!opened) return null;
    const current = identityOf(file);
    if (!current) return `the database file ${file} was deleted while the service was running; restore it or restart`;
    if (current.dev !== opened.dev || current.ino !== opened.ino) return `the database file ${file} was replaced while the service was running; restart`;
    return null;
  }

  function endFailFastWindow(): void {
    if (failFastUntil !== 0 && now() >= failFastUntil && db.open) {
      failFastUntil = 0;
      db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  }

  function before(): void {
    const problem = fileProblem();
    if (problem) throw new StorageUnavailableError(problem);
    endFailFastWindow();
  }

  function contended(err: unknown): boolean {
    const code = (err as { code?: unknown } | null)?.code;
    if (typeof code !== "string" || !CONTENTION.test(code)) return false;
    if (failFastUntil === 0 && db.open) db.pragma("busy_timeout = 0");
    failFastUntil = now() + FAIL_FAST_WINDOW_MS;
    return true;
  }

  const locked = "the database is locked by another process; retry shortly";

  return {
    wrap<T extends object>(methods: T): T {
      const wrapped: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(methods)) {
        if (typeof value !== "function" || name === "close" || name === "health") {
          wrapped[name] = value;
          continue;
        }
        wrapped[name] = async (...args: unknown[]) => {
          before();
          try {
            return await (value as (...a: unknown[]) => unknown)(...args);
          } catch (err) {
            if (contended(err)) throw new StorageUnavailableError(locked, { cause: err });
            throw err;
          }
        };
      }
      return wrapped as T;
    },
    health(): StorageHealth {
      const problem = fileProblem();
      if (problem) return { ok: false, reason: problem };
      if (!db.open) return { ok: false, reason: "the database is closed" };
      endFailFastWindow();
      try {
        // Takes and drops the write lock: reads go on under another process's lock (WAL), writes do not.
        db.exec("BEGIN IMMEDIATE");
        db.exec("ROLLBACK");
        return { ok: true };
      } catch (err) {
        if (contended(err)) return { ok: false, reason: locked };
        return { ok: false, reason: err instanceof Error ? err.message : String(err) };
      }
    },
  };
}

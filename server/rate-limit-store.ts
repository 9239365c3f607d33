import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from "@fastify/rate-limit";
import type pg from "pg";
import type { Logger } from "pino";
import { StorageUnavailableError } from "./storage/types.ts";

/** The database's clock, not each node's: every api node must agree on when a window ends. */
const NOW_MS = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint";

/**
 * One statement per hit, so concurrent hits from any number of api nodes each see their own count:
 * a lapsed window starts again at 1, a live one counts on. The SET expressions read the row as it was.
 */
const HIT_SQL = `
  INSERT INTO rate_limit_windows AS w (key, hits, expires_at_ms)
  VALUES ($1, 1, ${NOW_MS} + $2::bigint)
  ON CONFLICT (key) DO UPDATE SET
    hits = CASE WHEN w.expires_at_ms <= EXCLUDED.expires_at_ms - $2::bigint THEN 1 ELSE w.hits + 1 END,
    expires_at_ms = CASE WHEN w.expires_at_ms <= EXCLUDED.expires_at_ms - $2::bigint THEN EXCLUDED.expires_at_ms ELSE w.expires_at_ms END
  RETURNING hits, GREATEST(0, expires_at_ms - ${NOW_MS})::integer AS ttl_ms`;

export interface PgRateLimitStore extends FastifyRateLimitStore {
  /** Deletes every lapsed window; also run by hits themselves, at most once per cleanup interval. */
  removeExpired(): Promise<number>;
}

/**
 * A store for @fastify/rate-limit in PostgreSQL (table `rate_limit_windows`), so that a limit holds
 * across every api node instead of per process. Counts are fixed windows, as the plugin's own
 * in-memory store keeps them. A database error is `storage_unavailable` (503), never a free pass.
 */
export function pgRateLimitStore({ pool, log, cleanupIntervalMs = 60_000 }: { pool: pg.Pool; log: Logger; cleanupIntervalMs?: number }): PgRateLimitStore {
  let lastCleanup = Date.now();
  const removeExpired = async () => (await pool.query(`DELETE FROM rate_limit_windows WHERE expires_at_ms <= ${NOW_MS}`)).rowCount ?? 0;
  const store: PgRateLimitStore = {
    incr(key, callback, timeWindow) {
      pool.query<{ hits: number; ttl_ms: number }>(HIT_SQL, [key, timeWindow]).then(
        ({ rows: [row] }) => callback(null, { current: row!.hits, ttl: row!.ttl_ms }),
        (err: unknown) => callback(new StorageUnavailableError(`the rate limit could not be counted: ${(err as Error).message}`, { cause: err })),
      );
      // Keys nobody uses again would otherwise stay for ever; whichever node notices first sweeps them.
      if (Date.now() - lastCleanup >= cleanupIntervalMs) {
        lastCleanup = Date.now();
        removeExpired().catch((err: unknown) => log.warn({ err }, "removing lapsed rate-limit windows failed"));
      }
    },
    // Limiters differ by their keys (key: / ip:), so every child shares the one table.
    child: () => store,
    removeExpired,
  };
  return store;
}

/** @fastify/rate-limit takes a store class and constructs it itself (`new Store(options)`): this one hands back `store`. */
export function storeClass(store: FastifyRateLimitStore): FastifyRateLimitStoreCtor {
  return class {
    constructor() {
      return store;
    }
  } as unknown as FastifyRateLimitStoreCtor;
}

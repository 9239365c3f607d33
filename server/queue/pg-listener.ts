import pg from "pg";
import type { Logger } from "pino";
import type { Storage } from "../storage/types.ts";

const FINAL = new Set(["graded", "error"]);

/**
 * One LISTEN connection per process, reconnecting after a loss. Notifications are a shortcut, not
 * the truth: whoever relies on them also polls storage (a NOTIFY sent while we reconnect is lost).
 */
export async function startPgListener({ databaseUrl, channels, onNotify, log, reconnectDelayMs = 1000 }: {
  databaseUrl: string;
  channels: readonly string[];
  onNotify: (channel: string, payload: string) => void;
  log: Logger;
  reconnectDelayMs?: number;
}) {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: databaseUrl, application_name: "autograde-listen" });
    next.on("notification", (n) => onNotify(n.channel, n.payload ?? ""));
    next.on("error", (err) => {
      log.warn({ err }, "LISTEN connection lost; reconnecting");
      // Fire and forget: the connection is already broken, and a new one is on its way.
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      scheduleReconnect();
    });
    await next.connect();
    for (const channel of channels) await next.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    if (closed) await next.end();
    else client = next;
  }
  function scheduleReconnect(): void {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      // Fire and forget: a failure schedules the next try.
      void connect().catch((err: unknown) => {
        log.warn({ err }, "LISTEN reconnect failed");
        scheduleReconnect();
      });
    }, reconnectDelayMs);
  }

  await connect();
  return {
    async close(): Promise<void> {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

/**
 * ?wait=true across processes: a worker elsewhere stores the grading and NOTIFYs; storage is also
 * polled so a missed notification costs one poll interval, never the whole wait.
 */
export function createCompletionWaiter({ storage, pollIntervalMs }: { storage: Pick<Storage, "getSubmission">; pollIntervalMs: number }) {
  const waiters = new Map<string, Set<() => void>>();
  const wake = (submissionId: string) => {
    for (const resolve of waiters.get(submissionId) ?? []) resolve();
  };
  return {
    /** Feed GRADED_CHANNEL notifications here. */
    graded: wake,
    notify(): void {
      // Enqueueing NOTIFYs the workers inside the storage transaction; nothing to do here.
    },
    waitFor(submissionId: string, timeoutMs: number): Promise<boolean> {
      return new Promise((resolve) => {
        const set = waiters.get(submissionId) ?? new Set();
        waiters.set(submissionId, set);
        let settled = false;
        const finish = (result: boolean) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          clearInterval(poll);
          set.delete(onGraded);
          if (set.size === 0) waiters.delete(submissionId);
          resolve(result);
        };
        const onGraded = () => finish(true);
        set.add(onGraded);
        const timer = setTimeout(() => finish(false), timeoutMs);
        const poll = setInterval(() => {
          storage.getSubmission(submissionId).then(
            (record) => {
              if (record && FINAL.has(record.status)) finish(true);
            },
            () => undefined,
          );
        }, pollIntervalMs);
      });
    },
    /** Answers every pending wait now (drain), as the embedded loop does. */
    releaseAll(): void {
      for (const id of [...waiters.keys()]) wake(id);
    },
  };
}

import { pino } from "pino";
import { exercises } from "../../exercises/index.ts";
import { buildApp } from "../app.ts";
import { loadServerConfig } from "../config.ts";
import type { ToolKeyStore } from "../lti/key-store.ts";
import { createMetrics } from "../metrics.ts";
import type { Storage } from "../storage/types.ts";

/** The real app around real storage, for the LTI administration route tests. */
export const STAFF = "staff-secret-lti-admin";
export const STUDENT = "alice-secret-lti-admin";

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildLtiAdminApp({ dir, storage, toolKeys, env = {} }: { dir: string; storage: Storage; toolKeys: ToolKeyStore; env?: NodeJS.ProcessEnv }): Promise<App> {
  const config = loadServerConfig({ AUTOGRADE_DATA_DIR: dir, AUTOGRADE_API_KEYS: `staff:prof:${STAFF},student:alice:${STUDENT}`, ...env });
  const built = await buildApp({
    config,
    storage,
    toolKeys,
    exercises,
    queue: { notify: () => {}, waitFor: async () => null as never },
    metrics: createMetrics({ queueDepth: async () => ({ queued: 0, running: 0 }), workerRestarts: () => 0 }),
    log: pino({ level: "silent" }),
    draining: () => false,
  });
  await built.ready();
  return built;
}

export type Method = "GET" | "POST" | "PUT" | "DELETE";

/** `call(method, "/lti/...")` against `/v1`, as staff unless `key` says otherwise. */
export function caller(defaultApp: () => App) {
  return async function call(method: Method, url: string, options: { body?: unknown; key?: string | null; host?: string; on?: App } = {}) {
    const key = options.key === undefined ? STAFF : options.key;
    const response = await (options.on ?? defaultApp()).inject({
      method,
      url: `/v1${url}`,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(options.host ? { host: options.host } : {}) },
      ...(options.body !== undefined ? { payload: options.body as object } : {}),
    });
    return { status: response.statusCode, headers: response.headers, json: response.body === "" ? null : response.json(), body: response.body };
  };
}

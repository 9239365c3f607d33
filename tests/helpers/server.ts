import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase } from "./pg.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export const KEYS = {
  staff: "staff-secret-for-tests",
  alice: "alice-secret-for-tests",
  bob: "bob-secret-for-tests-1",
} as const;
export const WEBHOOK_SECRET = "webhook-secret-for-tests";

export function tempDataDir(): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), "autograde-e2e-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The suites that talk to a server run once per storage. */
export const STORAGES = ["sqlite", "postgres"] as const;
export type StorageKind = (typeof STORAGES)[number];

export interface TempStore {
  readonly kind: StorageKind;
  readonly dir: string;
  /** Extra environment for startServerProcess: DATABASE_URL and short pg-boss leases for postgres. */
  readonly env: Record<string, string>;
  remove(): Promise<void>;
}

/** A data directory, plus a fresh database for postgres (needs AUTOGRADE_TEST_DATABASE_URL, see helpers/pg.ts). */
export async function tempStore(kind: StorageKind): Promise<TempStore> {
  const data = tempDataDir();
  if (kind === "sqlite") return { kind, dir: data.dir, env: {}, remove: async () => data.remove() };
  const database = await createTestDatabase();
  return {
    kind,
    dir: data.dir,
    env: {
      DATABASE_URL: database.url,
      // pg-boss leases outlast the submission deadline: keep both short so a killed job returns within seconds.
      AUTOGRADE_SUBMISSION_DEADLINE_MS: "15000",
      AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: "1000",
    },
    async remove() {
      data.remove();
      await database.drop();
    },
  };
}

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Every stdout line (pino JSON), for log assertions. */
  readonly logs: string[];
  /** What it wrote to stderr so far (the messages meant for a person). */
  stderr(): string;
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>;
  /** SIGKILL the server process alone, as a crash would. */
  kill9(): Promise<void>;
  /** Kills whatever is left of the process group (orphaned grading workers after kill -9). */
  cleanup(): void;
}

/**
 * Spawns the real server (`node --import tsx server/main.ts`) on a free port against dataDir,
 * with small pools and short leases so the suite stays light on two cores.
 */
export async function startServerProcess(
  dataDir: string,
  env: Record<string, string> = {},
  /** "worker": a worker-role process, which serves no HTTP (its url is ""). `args` and `cwd`: another entry (the production build). */
  { ready = "listening", args = ["--import", "tsx", "server/main.ts"], cwd = repoRoot }: { ready?: "listening" | "worker"; args?: readonly string[]; cwd?: string } = {},
): Promise<ServerProcess> {
  const readyMessage = ready === "worker" ? '"autograde worker ready"' : '"autograde listening"';
  const child = spawn(process.execPath, args, {
    cwd,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      PORT: "0",
      HOST: "127.0.0.1",
      AUTOGRADE_DATA_DIR: dataDir,
      AUTOGRADE_API_KEYS: `staff:prof:${KEYS.staff},student:alice:${KEYS.alice},student:bob:${KEYS.bob}`,
      AUTOGRADE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      AUTOGRADE_POOL_SIZE: "1",
      AUTOGRADE_GRADING_CONCURRENCY: "1",
      AUTOGRADE_TYPECHECK: "false",
      AUTOGRADE_LEASE_MS: "3000",
      AUTOGRADE_QUEUE_POLL_INTERVAL_MS: "200",
      AUTOGRADE_WEBHOOK_INITIAL_BACKOFF_MS: "100",
      // Suites post bursts as one student (300 at once in pg-scale); the per-student cap has its own test.
      AUTOGRADE_MAX_QUEUED_PER_STUDENT: "10000",
      AUTOGRADE_LOG_LEVEL: "info",
      ...env,
    },
  });
  const logs: string[] = [];
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`server did not start in 30 s; stderr:\n${stderr}`)), 30_000);
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        logs.push(line);
        if (line.includes(readyMessage)) {
          clearTimeout(timer);
          resolve((JSON.parse(line) as { url?: string }).url ?? "");
        }
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      // A failed start-up is logged by pino on stdout; stderr alone is often empty.
      reject(new Error(`server exited with ${code} before listening; stderr:\n${stderr}\nlast log lines:\n${logs.slice(-10).join("\n")}`));
    });
  });

  const cleanup = () => {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // The group is already gone.
    }
  };
  return {
    url,
    child,
    logs,
    stderr: () => stderr,
    async stop() {
      child.kill("SIGTERM");
      return exited;
    },
    async kill9() {
      child.kill("SIGKILL");
      await exited;
    },
    cleanup,
  };
}

/** Stops every process still running (SIGTERM, waiting for it) and kills what each left behind. */
export async function stopProcesses(processes: readonly ServerProcess[]): Promise<void> {
  for (const p of processes) {
    if (p.child.exitCode === null && p.child.signalCode === null) await p.stop();
    p.cleanup();
  }
}

/**
 * One real server for a suite: started in beforeAll on a fresh store of `kind`, stopped and removed
 * in afterAll. Its clients may be made at once; they read the URL when they send.
 */
export function useServer(kind: StorageKind, env: Record<string, string> = {}) {
  let store: TempStore | undefined;
  let running: ServerProcess | undefined;
  beforeAll(async () => {
    store = await tempStore(kind);
    running = await startServerProcess(store.dir, { ...store.env, ...env });
  });
  afterAll(async () => {
    await running?.stop();
    running?.cleanup();
    await store?.remove();
  });
  const started = (): ServerProcess => {
    if (!running) throw new Error("the suite's server is not running: use it inside a test or hook");
    return running;
  };
  return {
    get server(): ServerProcess {
      return started();
    },
    get url(): string {
      return started().url;
    },
    client: (secret: string | null) => client(() => started().url, secret),
  };
}

/** A small JSON client bound to one server (its URL, or how to learn it) and one key. */
export function client(server: string | (() => string), secret: string | null) {
  const base = typeof server === "string" ? () => server : server;
  const headers = (extra: Record<string, string> = {}) => ({
    ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
    ...extra,
  });
  async function request(method: string, path: string, body?: unknown, extra: Record<string, string> = {}) {
    const init: RequestInit = { method, headers: headers(extra) };
    if (body !== undefined) {
      init.body = typeof body === "string" ? body : JSON.stringify(body);
      init.headers = headers({ "content-type": "application/json", ...extra });
    }
    const response = await fetch(`${base()}${path}`, init);
    const text = await response.text();
    let json: any = undefined;
    try {
      json = JSON.parse(text);
    } catch {
      // Not JSON (CSV, HTML, metrics): callers read text.
    }
    return { status: response.status, headers: response.headers, text, json };
  }
  return {
    get: (path: string, extra?: Record<string, string>) => request("GET", path, undefined, extra),
    post: (path: string, body?: unknown, extra?: Record<string, string>) => request("POST", path, body, extra),
    delete: (path: string, extra?: Record<string, string>) => request("DELETE", path, undefined, extra),
    raw: (path: string, init: RequestInit) => fetch(`${base()}${path}`, { ...init, headers: { ...headers(), ...(init.headers as Record<string, string>) } }),
    /** Polls until the submission reaches graded or error. */
    async waitGraded(id: string, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const r = await request("GET", `/v1/submissions/${id}`);
        if (r.json?.status === "graded" || r.json?.status === "error") return r.json;
        if (Date.now() > deadline) throw new Error(`submission ${id} still ${r.json?.status} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
    },
  };
}

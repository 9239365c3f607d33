import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Fastify, { type FastifyInstance } from "fastify";
import { buildWebAssets } from "../../web/build.ts";
import { webPlugin } from "../../web/plugin.ts";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export interface BrowserService {
  /** Where the browser opens the page. */
  readonly pageUrl: string;
  /** The real service's API base (the same origin as pageUrl once the service serves the page). */
  readonly apiUrl: string;
  /** How the page reached the browser: straight from the service, or through the test's own front. */
  readonly servedBy: "service" | "test-front";
  readonly keys: { readonly staff: string; readonly student: string; readonly studentName: string };
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, logs: () => string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the service exited with code ${child.exitCode} during start-up:\n${logs()}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  throw new Error(`the service did not answer ${url}/healthz within ${timeoutMs} ms:\n${logs()}`);
}

/**
 * Starts the real service (`node --import tsx server/main.ts`, SQLite in a temp dir, a small pool).
 * If the service does not serve the page yet (webPlugin not registered in server/app.ts), a tiny
 * fastify front serves it and forwards /v1 to the service, so the browser still sees one origin.
 */
export async function startBrowserService(): Promise<BrowserService> {
  const dataDir = await mkdtemp(join(tmpdir(), "autograde-browser-"));
  const keys = { staff: "staff-secret-browser-1", student: "alice-secret-browser-1", studentName: "alice" };
  const port = await freePort();
  const apiUrl = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["--no-node-snapshot", "--import", "tsx", "server/main.ts"], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: "127.0.0.1",
      AUTOGRADE_DATA_DIR: dataDir,
      AUTOGRADE_API_KEYS: `staff:prof:${keys.staff},student:${keys.studentName}:${keys.student}`,
      AUTOGRADE_POOL_SIZE: "1",
      AUTOGRADE_GRADING_CONCURRENCY: "1",
      AUTOGRADE_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  const logs = () => output;

  let front: FastifyInstance | null = null;
  const stop = async () => {
    await front?.close();
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };

  try {
    await waitForHealth(apiUrl, child, logs, 45_000);
    const root = await fetch(`${apiUrl}/`);
    const servesPage = root.ok && (await root.text()).includes('content="autograde-web"');
    if (servesPage) return { pageUrl: `${apiUrl}/`, apiUrl, servedBy: "service", keys, logs, stop };

    front = await startFront(apiUrl);
    const address = front.server.address();
    if (typeof address !== "object" || !address) throw new Error("the test front has no address");
    return { pageUrl: `http://127.0.0.1:${address.port}/`, apiUrl, servedBy: "test-front", keys, logs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const FORWARDED_RESPONSE_HEADERS = ["content-type", "content-disposition", "retry-after", "www-authenticate", "location"];

async function startFront(apiUrl: string): Promise<FastifyInstance> {
  const front = Fastify();
  front.removeAllContentTypeParsers();
  front.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  await front.register(webPlugin({ assets: buildWebAssets() }));
  front.all("/v1/*", async (request, reply) => {
    const headers: Record<string, string> = {};
    for (const name of ["authorization", "content-type", "accept", "idempotency-key"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const body = request.body instanceof Buffer && request.body.length > 0 ? request.body : undefined;
    const upstream = await fetch(`${apiUrl}${request.url}`, { method: request.method, headers, ...(body ? { body } : {}) });
    reply.code(upstream.status);
    for (const name of FORWARDED_RESPONSE_HEADERS) {
      const value = upstream.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    return reply.send(Buffer.from(await upstream.arrayBuffer()));
  });
  await front.listen({ port: 0, host: "127.0.0.1" });
  return front;
}

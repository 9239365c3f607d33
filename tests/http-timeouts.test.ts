import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { KEYS, useServer } from "./helpers/server.ts";
import { distributeSolution, slowDistributeSource } from "./helpers/server-sources.ts";

/**
 * Small timeouts so that a dropped connection shows within seconds. The wait is longer than the
 * request timeout on purpose: once a request has arrived, only the idle-connection timeout (above
 * the wait) may end it, so ?wait=true still answers.
 */
const TIMEOUTS = {
  AUTOGRADE_HEADERS_TIMEOUT_MS: "1000",
  AUTOGRADE_REQUEST_TIMEOUT_MS: "2000",
  AUTOGRADE_WAIT_MAX_MS: "2500",
  AUTOGRADE_CONNECTION_TIMEOUT_MS: "4000",
  AUTOGRADE_KEEP_ALIVE_TIMEOUT_MS: "1000",
  AUTOGRADE_DRAIN_GRACE_MS: "0",
};

interface Raw {
  socket: Socket;
  /** Everything the server sent on this connection. */
  received(): string;
  /** Resolves once the server has closed (or reset) the connection. */
  closed: Promise<void>;
}

function rawConnection(url: string): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => resolve({ socket, received: () => text, closed }));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => (text += chunk));
    const closed = new Promise<void>((done) => socket.once("close", () => done()));
    socket.once("error", reject);
  });
}

/** Writes `text` one byte at a time, `everyMs` apart, until the socket closes. */
function trickle(raw: Raw, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (raw.socket.destroyed || i >= text.length) return clearInterval(timer);
    raw.socket.write(text[i++]!);
  }, everyMs);
  void raw.closed.then(() => clearInterval(timer));
}

describe("HTTP timeouts: slow or silent clients are dropped, others are served meanwhile (sqlite)", () => {
  const served = useServer("sqlite", TIMEOUTS);
  const alice = served.client(KEYS.alice);

  it("drops an authenticated client trickling its body one byte at a time, and serves a normal one meanwhile", async () => {
    const raw = await rawConnection(served.url);
    raw.socket.write(
      `POST /v1/submissions HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer ${KEYS.alice}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
    );
    // Each byte comes well within the idle timeout: only the whole-request deadline can end this.
    trickle(raw, `{"source":${JSON.stringify("x".repeat(99_980))}}`, 250);

    const normal = await alice.post("/v1/submissions", { source: distributeSolution, exercises: ["distribute_value"] });
    expect(normal.status).toBe(202);
    expect((await alice.get("/v1/me")).status).toBe(200);

    await raw.closed;
    expect(raw.socket.destroyed).toBe(true);
    // Node answers 408 as it closes, or just closes: never a 2xx for a request that did not arrive.
    expect(raw.received()).toMatch(/^$|^HTTP\/1\.1 408 /);
  }, 20_000);

  it("drops a client trickling its headers (slowloris)", async () => {
    const raw = await rawConnection(served.url);
    raw.socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\n");
    trickle(raw, `X-Slow: ${"y".repeat(10_000)}\r\n\r\n`, 200);
    expect((await alice.get("/v1/me")).status).toBe(200);
    await raw.closed;
    expect(raw.received()).toMatch(/^$|^HTTP\/1\.1 408 /);
  }, 20_000);

  it("closes a connection that never sends a byte, and an idle kept-alive one after its reply", async () => {
    const silent = await rawConnection(served.url);
    const kept = await rawConnection(served.url);
    kept.socket.write("GET /healthz HTTP/1.1\r\nHost: test\r\nConnection: keep-alive\r\n\r\n");
    await Promise.all([silent.closed, kept.closed]);
    expect(silent.received()).toMatch(/^$|^HTTP\/1\.1 408 /);
    expect(kept.received()).toMatch(/^HTTP\/1\.1 200 /);
    expect(kept.received()).toMatch(/keep-alive/i);
  }, 20_000);

  it("?wait=true outlasting the request timeout is still answered, with 202 when grading takes longer than the wait", async () => {
    const waited = await alice.post("/v1/submissions?wait=true", { source: slowDistributeSource(1500), exercises: ["distribute_value"] });
    expect(waited.status).toBe(202);
    expect(waited.json).toMatchObject({ status: expect.stringMatching(/^(queued|running)$/) });
  }, 20_000);
});

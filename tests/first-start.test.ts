import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startServerProcess, tempDataDir } from "./helpers/server.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const HINT = "no API keys yet";

/** Runs the real server until it listens, then stops it: what it wrote to stderr, and its first-start log lines. */
async function startAndStop(dataDir: string, apiKeys: string, whileUp: (url: string) => Promise<void> = async () => {}) {
  const server = await startServerProcess(dataDir, { AUTOGRADE_API_KEYS: apiKeys });
  try {
    await whileUp(server.url);
  } finally {
    await server.stop();
    server.cleanup();
  }
  const logs = server.logs.filter(Boolean).map((l) => JSON.parse(l) as { level: number; msg: string; command?: string });
  return { stderr: server.stderr(), hints: logs.filter((l) => l.msg.includes(HINT)) };
}

/** The CLI as `npm run -s autograde --` runs it: exit code and output. */
async function cli(args: readonly string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" } });
  let stdout = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { code, stdout };
}

describe("first start", () => {
  const dirs: { remove(): void }[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

  it("with no key at all says once, on stderr and in one info log line, how to create a staff key; that command works, and the hint is gone", async () => {
    const data = tempDataDir();
    dirs.push(data);
    const first = await startAndStop(data.dir, "");
    expect(first.hints).toHaveLength(1);
    expect(first.hints[0]).toMatchObject({ level: 30, command: `npm run -s autograde -- keys create --role staff --name <your-name> --data-dir ${data.dir}` });
    expect(first.stderr.split(HINT)).toHaveLength(2);
    expect(first.stderr).toContain(first.hints[0]!.command);

    // The printed command, as the operator would run it with their name filled in.
    const args = first.hints[0]!.command!.replace("npm run -s autograde -- ", "").replace("<your-name>", "prof").split(" ");
    const created = await cli(args);
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();

    const second = await startAndStop(data.dir, "", async (url) => {
      const me = await fetch(`${url}/v1/me`, { headers: { authorization: `Bearer ${secret}` } });
      expect(await me.json()).toMatchObject({ role: "staff", name: "prof" });
    });
    expect(second.hints).toEqual([]);
    expect(second.stderr).not.toContain(HINT);
  });

  it("says nothing when AUTOGRADE_API_KEYS holds a key", async () => {
    const data = tempDataDir();
    dirs.push(data);
    const started = await startAndStop(data.dir, "staff:prof:a-long-staff-secret-for-tests");
    expect(started.hints).toEqual([]);
    expect(started.stderr).not.toContain(HINT);
  });
});

import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * Starts the service (`entry` is node's arguments) in its own process group and resolves with its
 * URL once a stdout line contains `ready`. Only that line matters: the rest of stdout is dropped and
 * stderr keeps its last 4 KB for the error, so a long run never fills a pipe or the bench's memory.
 * `cwd` is another checkout's root when a bench compares against an earlier commit; `cpu` pins the
 * process (and its children) to one core.
 */
export function spawnService({ entry, env, ready, timeoutMs, cwd = repoRoot, cpu }: { entry: readonly string[]; env: Record<string, string>; ready: string; timeoutMs: number; cwd?: string; cpu?: number }): Promise<{ child: ChildProcess; url: string }> {
  // taskset execs node in its place (same pid, so the process group kill still reaches it); the
  // affinity is inherited by the sandbox workers node forks.
  const [command, args] = cpu === undefined ? [process.execPath, entry] : ["taskset", ["-c", String(cpu), process.execPath, ...entry]];
  const child = spawn(command, args, { cwd, detached: true, stdio: ["ignore", "pipe", "pipe"], env: { PATH: process.env.PATH ?? "", ...env } });
  let stderr = "";
  child.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      for (let nl = buffered.indexOf("\n"); nl >= 0; nl = buffered.indexOf("\n")) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.includes(ready)) resolve({ child, url: (JSON.parse(line) as { url?: string }).url ?? "" });
      }
      if (buffered.length > 65536) buffered = "";
    });
    child.once("exit", (code) => reject(new Error(`service exited with ${code}: ${stderr}`)));
    setTimeout(() => reject(new Error(`no ${ready} line in ${timeoutMs / 1000} s: ${stderr}`)), timeoutMs).unref();
  });
}

/** SIGTERM each (the service drains), wait for the exits, then SIGKILL whatever is left of each process group (sandbox workers). */
export async function stopAll(children: readonly ChildProcess[]): Promise<void> {
  await Promise.all(children.map((c) => new Promise<void>((resolve) => {
    if (c.exitCode !== null) return resolve();
    c.once("exit", () => resolve());
    c.kill("SIGTERM");
  })));
  for (const c of children) {
    try {
      process.kill(-c.pid!, "SIGKILL");
    } catch {
      // Already gone with its sandbox children.
    }
  }
}

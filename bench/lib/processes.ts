import type { ChildProcess } from "node:child_process";

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

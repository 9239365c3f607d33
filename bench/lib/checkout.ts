import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * An earlier commit's sources in a temporary folder, sharing this checkout's node_modules, so a
 * bench can run the service as it was and as it is in one run, on the same machine state. Only
 * commits with the same dependencies as this one compare fairly; `git archive` leaves this
 * checkout's work tree and branches alone.
 */
export function checkoutOf(ref: string): { root: string; commit: string; remove(): void } {
  const commit = execFileSync("git", ["rev-parse", "--short", `${ref}^{commit}`], { cwd: repoRoot, encoding: "utf8" }).trim();
  const root = mkdtempSync(join(tmpdir(), `autograde-${commit}-`));
  execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${root}"`], { cwd: repoRoot });
  symlinkSync(join(repoRoot, "node_modules"), join(root, "node_modules"));
  return { root, commit, remove: () => rmSync(root, { recursive: true, force: true }) };
}

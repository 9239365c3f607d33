import { lstat, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";

/** One path of a batch (a folder or a zip), read, left unread, or refused with the reason. */
export type BatchEntry =
  | { readonly kind: "file"; readonly path: string; readonly bytes: Buffer; readonly mtimeMs?: number }
  | { readonly kind: "unread"; readonly path: string }
  | { readonly kind: "refused"; readonly path: string; readonly reason: string };

export interface BatchLimits {
  /** An entry larger than this is refused unread ("absurd size"). */
  readonly maxEntryBytes: number;
  /** Bytes read from one batch in all; entries past it are refused. */
  readonly maxTotalBytes: number;
  readonly maxEntries: number;
  /** A zip entry inflating more than this many times its compressed size (and past 1 MiB) is a bomb. */
  readonly maxCompressionRatio: number;
  readonly maxDepth: number;
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = {
  maxEntryBytes: 16 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
  maxEntries: 100_000,
  maxCompressionRatio: 200,
  maxDepth: 16,
};

/** Only submission modules and Gradescope's metadata are ever read; everything else stays unread. */
export function isWanted(path: string): boolean {
  const base = path.slice(path.lastIndexOf("/") + 1);
  if (isNoise(path)) return false;
  return (base.endsWith(".ts") && !base.endsWith(".d.ts")) || base === "submission_metadata.yml";
}

/** Archive debris that no layout counts: macOS resource forks, dotfiles. */
export function isNoise(path: string): boolean {
  // ".." is not debris: an escaping path must reach the check that refuses it, with a message.
  return path.split("/").some((part) => part === "__MACOSX" || (part.startsWith(".") && part !== "." && part !== ".."));
}

export class BatchInputError extends Error {
  override readonly name = "BatchInputError";
}

/** Walks a folder without following symbolic links: a link is refused, never read through. */
export async function readFolder(root: string, limits: BatchLimits = DEFAULT_BATCH_LIMITS): Promise<BatchEntry[]> {
  const entries: BatchEntry[] = [];
  let total = 0;
  const walk = async (dir: string, rel: string, depth: number): Promise<void> => {
    const names = (await readdir(dir)).sort();
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (entries.length >= limits.maxEntries) throw new BatchInputError(`more than ${limits.maxEntries} entries`);
      const full = join(dir, name);
      const stat = await lstat(full);
      if (stat.isSymbolicLink()) {
        entries.push({ kind: "refused", path, reason: "a symbolic link (not followed)" });
      } else if (stat.isDirectory()) {
        if (isNoise(path)) continue;
        if (depth >= limits.maxDepth) entries.push({ kind: "refused", path, reason: `nested deeper than ${limits.maxDepth} folders` });
        else await walk(full, path, depth + 1);
      } else if (!stat.isFile()) {
        entries.push({ kind: "refused", path, reason: "not a regular file" });
      } else if (!isWanted(path)) {
        entries.push({ kind: "unread", path });
      } else if (stat.size > limits.maxEntryBytes) {
        entries.push({ kind: "refused", path, reason: `${stat.size} bytes, over the ${limits.maxEntryBytes}-byte limit for one file` });
      } else if (total + stat.size > limits.maxTotalBytes) {
        entries.push({ kind: "refused", path, reason: `the batch would exceed ${limits.maxTotalBytes} bytes read in all` });
      } else {
        try {
          const bytes = await readFile(full);
          total += bytes.length;
          entries.push({ kind: "file", path, bytes, mtimeMs: stat.mtimeMs });
        } catch (error) {
          entries.push({ kind: "refused", path, reason: `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
        }
      }
    }
  };
  await walk(root, "", 0);
  return entries;
}

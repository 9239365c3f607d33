import { open, readFile, truncate, type FileHandle } from "node:fs/promises";
import { z } from "zod";
import { EXERCISE_IDS } from "../../exercises/index.ts";

export const ROW_STATUSES = ["graded", "unreadable", "error"] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

export const batchRow = z.object({
  key: z.string(),
  students: z.array(z.string()).min(1),
  /** graded: the grader's report; unreadable: no module to grade (reason); error: autograde failed (never journaled, so retried). */
  status: z.enum(ROW_STATUSES),
  score: z.number().nullable(),
  maxScore: z.number(),
  exercises: z.partialRecord(z.enum(EXERCISE_IDS), z.number().nullable()),
  late: z.boolean().nullable(),
  reason: z.string().optional(),
  submittedAt: z.string().optional(),
});
export type BatchRow = z.infer<typeof batchRow>;

const runLine = z.object({
  type: z.literal("run"),
  version: z.literal(1),
  input: z.string(),
  layout: z.string(),
  exercises: z.array(z.string()),
  /** sha256 of the --assignment file and --use-mtime: the penalties in the rows depend on both. */
  policy: z.string().optional(),
});
const doneLine = z.object({ type: z.literal("done"), sha256: z.string(), row: batchRow });
const journalLine = z.discriminatedUnion("type", [runLine, doneLine]);
export type JournalRun = z.infer<typeof runLine>;

export interface JournalState {
  readonly run: JournalRun;
  /** The last row written for each submission key, with the digest of what was graded. */
  readonly done: ReadonlyMap<string, { readonly sha256: string; readonly row: BatchRow }>;
}

export class JournalError extends Error {
  override readonly name = "JournalError";
}

/**
 * Reads a journal back. A line cut short by a kill can only be the last one, and is dropped (its
 * submission is graded again); a bad line anywhere else means the file is not ours to trust.
 */
export async function readJournal(path: string): Promise<JournalState | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  // Whatever follows the last newline is either nothing or a line the kill cut short.
  const complete = text.split("\n").slice(0, -1);
  let run: JournalRun | undefined;
  const done = new Map<string, { sha256: string; row: BatchRow }>();
  complete.forEach((line, index) => {
    let parsed;
    try {
      parsed = journalLine.safeParse(JSON.parse(line));
    } catch {
      parsed = undefined;
    }
    if (!parsed?.success) throw new JournalError(`${path}: line ${index + 1} is not a journal line`);
    if (parsed.data.type === "run") run ??= parsed.data;
    else done.set(parsed.data.row.key, { sha256: parsed.data.sha256, row: parsed.data.row });
  });
  if (run === undefined) throw new JournalError(`${path}: no run line; not an autograde journal`);
  return { run, done };
}

export interface JournalWriter {
  record(sha256: string, row: BatchRow): Promise<void>;
  close(): Promise<void>;
}

/** Appends one line per finished submission, flushed to disk before the next: the line is the commit. */
export async function openJournal(path: string, run: JournalRun | undefined): Promise<JournalWriter> {
  // A line a kill cut short goes first, or the next line would be glued onto it.
  const existing = await readFile(path).catch(() => Buffer.alloc(0));
  const whole = existing.lastIndexOf(0x0a) + 1;
  if (whole < existing.length) await truncate(path, whole);
  const handle: FileHandle = await open(path, "a");
  let chain: Promise<void> = Promise.resolve();
  const append = (value: object) => {
    chain = chain.then(async () => {
      await handle.write(`${JSON.stringify(value)}\n`);
      await handle.datasync();
    });
    return chain;
  };
  if (run !== undefined) await append(run);
  return {
    record: (sha256, row) => append({ type: "done", sha256, row }),
    close: async () => {
      await chain.catch(() => undefined);
      await handle.close();
    },
  };
}

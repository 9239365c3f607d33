import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { JournalError, openJournal, readJournal, type BatchRow, type JournalRun } from "./journal.ts";

const dir = mkdtempSync(join(tmpdir(), "autograde-journal-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const row = (key: string, score: number): BatchRow => ({ key, students: [key], status: "graded", score, maxScore: 100, exercises: { zero_pad: score / 10 }, late: null });
const run: JournalRun = { type: "run", version: 1, input: "/x", layout: "plain", exercises: ["zero_pad"] };

describe("journal", () => {
  it("reads back what was recorded, the last line per key winning", async () => {
    const path = join(dir, "a.jsonl");
    const journal = await openJournal(path, run);
    await Promise.all([journal.record("s1", row("alice", 10)), journal.record("s2", row("bob", 20))]);
    await journal.record("s3", row("alice", 30));
    await journal.close();
    const state = await readJournal(path);
    expect(state?.run).toEqual(run);
    expect([...(state?.done.entries() ?? [])].map(([k, v]) => [k, v.sha256, v.row.score])).toEqual([
      ["alice", "s3", 30],
      ["bob", "s2", 20],
    ]);
  });

  it("drops a last line a kill cut short, so that submission is graded again", async () => {
    const path = join(dir, "b.jsonl");
    const journal = await openJournal(path, run);
    await journal.record("s1", row("alice", 10));
    await journal.close();
    appendFileSync(path, JSON.stringify({ type: "done", sha256: "s2", row: row("bob", 20) }).slice(0, 40));
    const state = await readJournal(path);
    expect([...(state?.done.keys() ?? [])]).toEqual(["alice"]);
    // Appending after the cut must not glue a new line onto the fragment.
    const resumed = await openJournal(path, undefined);
    await resumed.record("s2", row("bob", 20));
    await resumed.close();
    expect(readFileSync(path, "utf8").split("\n")).toHaveLength(4);
    expect([...((await readJournal(path))?.done.keys() ?? [])]).toEqual(["alice", "bob"]);
  });

  it("refuses a file that is not a journal rather than trusting it", async () => {
    const path = join(dir, "c.jsonl");
    writeFileSync(path, `${JSON.stringify(run)}\nnot json\n${JSON.stringify({ type: "done", sha256: "s", row: row("a", 1) })}\n`);
    await expect(readJournal(path)).rejects.toBeInstanceOf(JournalError);
    writeFileSync(path, `${JSON.stringify({ type: "done", sha256: "s", row: row("a", 1) })}\n`);
    await expect(readJournal(path)).rejects.toThrow(/no run line/);
    expect(await readJournal(join(dir, "missing.jsonl"))).toBeUndefined();
  });
});

import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { canvasExport, corpusStudents, maliciousExtras, writeFolder, zipBuffer } from "../../tests/grade-all-corpus.ts";
import { BatchInputError, readFolder, type BatchEntry } from "./entries.ts";
import { planBatch } from "./layouts.ts";
import { loadEntries } from "./load.ts";
import { readZip, unsafeName } from "./zip.ts";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-zip-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const byPath = (entries: readonly BatchEntry[]) => new Map(entries.map((e) => [e.path, e]));

describe("readZip", () => {
  it("reads the class and refuses, one by one, an escaping path, an absolute path, a symlink, a bomb and an absurd size", async () => {
    const students = corpusStudents();
    const { extras, rename } = maliciousExtras();
    const file = join(dir, "hostile.zip");
    writeFileSync(file, await zipBuffer(canvasExport(students), extras, rename));
    const entries = byPath(await readZip(file));

    for (const [i, s] of students.entries()) {
      const entry = entries.get(`${s.login}_${s.id}_${9000 + i}_solution.ts`);
      expect(entry?.kind).toBe("file");
      if (entry?.kind === "file") expect(entry.bytes.toString("utf8")).toBe(s.source);
    }
    const refused = (path: string) => {
      const entry = entries.get(path);
      expect(entry?.kind, path).toBe("refused");
      return entry?.kind === "refused" ? entry.reason : "";
    };
    expect(refused("../../escape.ts")).toMatch(/escapes the archive/);
    expect(refused("/etc/passwd.ts")).toMatch(/escapes the archive \(absolute path\)/);
    expect(refused("linkmallory_3001_9901_solution.ts")).toMatch(/symbolic link/);
    expect(refused("bombtrudy_3002_9902_solution.ts")).toMatch(/zip bomb/);
    expect(refused("hugeoscar_3003_9903_solution.ts")).toMatch(/over the 16777216-byte limit/);
  });

  it("lists what no layout reads without inflating it", async () => {
    const file = join(dir, "mixed.zip");
    writeFileSync(file, await zipBuffer({ "alice.ts": "export const a = 1;\n", "notes.pdf": Buffer.alloc(10), "__MACOSX/._alice.ts": "x" }));
    const entries = byPath(await readZip(file));
    expect(entries.get("notes.pdf")?.kind).toBe("unread");
    expect(entries.get("alice.ts")?.kind).toBe("file");
  });

  it("calls a file that is no zip bad input, not a crash", async () => {
    const file = join(dir, "not.zip");
    writeFileSync(file, "hello");
    await expect(readZip(file)).rejects.toBeInstanceOf(BatchInputError);
    await expect(loadEntries(join(dir, "missing"))).rejects.toThrow(/no such file/);
  });

  it("names unsafe paths", () => {
    expect(unsafeName("a/b.ts")).toBeUndefined();
    expect(unsafeName("a/../../b.ts")).toMatch(/escapes/);
    expect(unsafeName("C:/x.ts")).toMatch(/absolute/);
    expect(unsafeName("a\0b.ts")).toMatch(/NUL/);
  });
});

describe("readFolder", () => {
  it("refuses a symbolic link instead of following it; the other students stay", async () => {
    const root = join(dir, "class");
    writeFolder(root, { "alice.ts": "export const a = 1;\n", "bob/solution.ts": "export const b = 2;\n" });
    symlinkSync("/etc/passwd", join(root, "mallory.ts"));
    symlinkSync("/etc", join(root, "trudy"));
    const entries = byPath(await readFolder(root));
    expect(entries.get("mallory.ts")).toMatchObject({ kind: "refused", reason: expect.stringMatching(/symbolic link/) });
    expect(entries.get("trudy")).toMatchObject({ kind: "refused" });
    const plan = planBatch([...entries.values()]);
    expect(plan.layout).toBe("plain");
    expect(plan.submissions.map((s) => [s.key, s.source.kind])).toEqual([
      ["alice", "source"],
      ["bob", "source"],
      ["mallory", "unreadable"],
    ]);
  });

  it("reads a folder export exactly as the same export zipped", async () => {
    const files = canvasExport(corpusStudents(), new Set(["brownbob"]));
    const root = join(dir, "canvas");
    writeFolder(root, files);
    const zip = join(dir, "canvas.zip");
    writeFileSync(zip, await zipBuffer(files));
    const summary = (entries: BatchEntry[]) =>
      planBatch(entries).submissions.map((s) => ({ key: s.key, students: s.students, late: s.late, text: s.source.kind === "source" ? s.source.bytes.toString() : s.source.reason }));
    const fromFolder = summary(await readFolder(root));
    expect(fromFolder).toHaveLength(5);
    expect(fromFolder).toEqual(summary(await readZip(zip)));
  });
});

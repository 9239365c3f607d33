import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solutionModule, starterModule } from "../exercises/index.ts";
import { writeFolder } from "./grade-all-corpus.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const STUDENTS = 10;
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-resume-"));
  // Distinct files, so a duplicate could not hide behind identical content; odd students score 0.
  const files = Object.fromEntries(Array.from({ length: STUDENTS }, (_, i) => [`s${String(i).padStart(2, "0")}.ts`, `${i % 2 === 0 ? solutionModule() : starterModule()}// student ${i}\n`]));
  writeFolder(join(dir, "class"), files);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const args = (out: string, ...more: string[]) => ["--import", "tsx", "cli/main.ts", "grade-all", join(dir, "class"), "--out", out, "--jobs", "1", "--exercise", "zero_pad", ...more];
const doneLines = (journal: string) => (existsSync(journal) ? readFileSync(journal, "utf8").split("\n").filter((l) => l.includes('"type":"done"')) : []);

describe("grade-all --resume", () => {
  it("after a kill -9 mid-run, finishes with every student graded once and none lost", async () => {
    const out = join(dir, "out");
    const journal = join(out, "journal.jsonl");
    const child = spawn(process.execPath, args(out), { cwd: repo, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // Kill once at least two are recorded (and, with one at a time, most are not).
    await new Promise<void>((resolve, reject) => {
      const poll = setInterval(() => {
        if (doneLines(journal).length >= 2) {
          clearInterval(poll);
          child.kill("SIGKILL");
          resolve();
        }
        if (child.exitCode !== null) {
          clearInterval(poll);
          reject(new Error(`grade-all ended before the kill: ${stderr}`));
        }
      }, 20);
    });
    expect(await exited).toBe("SIGKILL");
    const before = doneLines(journal).length;
    expect(before).toBeGreaterThanOrEqual(2);
    expect(before).toBeLessThan(STUDENTS);
    expect(existsSync(join(out, "grades.csv"))).toBe(false);

    const resumed = await new Promise<{ code: number; stderr: string }>((resolve) => {
      execFile(process.execPath, args(out, "--resume"), { cwd: repo, timeout: 280_000 }, (error, _stdout, err) => resolve({ code: error ? Number(error.code) : 0, stderr: err }));
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain(`grading ${STUDENTS - before} of ${STUDENTS} submissions (${before} already in the journal)`);
    // Only the rest was graded on resume: one progress line for each.
    expect(resumed.stderr.match(/^\[\d+\/\d+\] /gm)).toHaveLength(STUDENTS - before);

    const keys = doneLines(journal).map((l) => (JSON.parse(l) as { row: { key: string } }).row.key);
    expect(keys).toHaveLength(STUDENTS);
    expect(new Set(keys).size).toBe(STUDENTS);
    const csv = readFileSync(join(out, "grades.csv"), "utf8").trimEnd().split("\r\n").slice(1);
    expect(csv.map((l) => l.split(",")[0])).toEqual(Array.from({ length: STUDENTS }, (_, i) => `s${String(i).padStart(2, "0")}`));
    for (const line of csv) {
      const [student, score] = line.split(",");
      expect(score, student).toBe(Number(student?.slice(1)) % 2 === 0 ? "10" : "0");
    }
  }, 300_000);
});

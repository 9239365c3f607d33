import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, solutionModule } from "../exercises/index.ts";
import { parseGraderConfig } from "../grader/config.ts";
import { report as reportSchema, type Report } from "../grader/report.ts";
import { canvasExport, corpusStudents, gradescopeExport, maliciousExtras, moodleExport, writeFolder, zipBuffer, type CorpusStudent } from "./grade-all-corpus.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: repo, maxBuffer: 64 * 1024 * 1024, timeout: 280_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === "number" ? error.code : -1) : 0, stdout, stderr });
    });
  });
}

/** grades.csv as records; the writer quotes only reasons, which this corpus keeps free of commas. */
function readCsv(path: string): Record<string, string>[] {
  const [header, ...lines] = readFileSync(path, "utf8").trimEnd().split("\r\n");
  const names = (header ?? "").split(",");
  return lines.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)?.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, "").replaceAll('""', '"')) ?? [];
    return Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ""]));
  });
}

let dir: string;
let students: CorpusStudent[];
/** What `autograde grade` says of each student's file: the report, or its exit code and message. */
const single = new Map<string, { code: number; report?: Report; stderr: string }>();
const path = (...parts: string[]) => join(dir, ...parts);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-grade-all-"));
  const { maxSourceBytes } = parseGraderConfig();
  const overCap = readFileSync(new URL("./hostile/05-source-over-cap.ts", import.meta.url), "utf8");
  students = [...corpusStudents(), { login: "fosterfay", fullName: "Fay Foster", id: 1006, source: `${overCap}\n// ${"x".repeat(maxSourceBytes)}\n` }];
  const { extras, rename } = maliciousExtras();
  writeFileSync(path("canvas.zip"), await zipBuffer(canvasExport(students, new Set(["brownbob"])), extras, rename));
  writeFolder(path("moodle"), moodleExport(students));
  writeFileSync(path("gradescope.zip"), await zipBuffer(gradescopeExport(students)));
  writeFileSync(path("not-a.zip"), "plain text");
  writeFolder(path("files"), Object.fromEntries(students.map((s) => [`${s.login}.ts`, s.source])));
  // Every student's file through `autograde grade`, two at a time: the scores grade-all must match.
  const queue = [...students];
  await Promise.all(
    [0, 1].map(async () => {
      for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
        const run = await cli(["grade", path("files", `${s.login}.ts`), "--format", "json"]);
        single.set(s.login, { code: run.code, stderr: run.stderr, ...(run.code === 0 ? { report: reportSchema.parse(JSON.parse(run.stdout)) } : {}) });
      }
    }),
  );
}, 300_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Each student's row must say what `autograde grade` said of the same file. */
function expectSameAsGrade(rows: Record<string, string>[], nameOf: (s: CorpusStudent) => string, who: readonly CorpusStudent[] = students) {
  for (const s of who) {
    const row = rows.find((r) => r.student === nameOf(s));
    const alone = single.get(s.login);
    expect(row, nameOf(s)).toBeDefined();
    if (alone?.report) {
      expect(row?.status).toBe("graded");
      expect(Number(row?.score)).toBe(alone.report.score);
      for (const e of alone.report.exercises) expect(Number(row?.[e.id]), `${s.login} ${e.id}`).toBe(e.score);
    } else {
      expect(alone?.code).toBe(2);
      expect(row?.status).toBe("unreadable");
      expect(row?.reason).toMatch(/the limit is \d+ bytes/);
    }
  }
}

describe("autograde grade-all", () => {
  it("grades a Canvas zip with hostile entries: each student as `grade` scores the file, each bad entry refused with a message", async () => {
    expect(single.get("andersalice")?.report?.score).toBe(100);
    const out = path("out-canvas");
    const run = await cli(["grade-all", path("canvas.zip"), "--out", out, "--jobs", "2", "--similarity"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe("");
    const rows = readCsv(join(out, "grades.csv"));
    expect(Object.keys(rows[0] ?? {})).toEqual(["student", "score", "maxScore", ...EXERCISE_IDS, "late", "status", "reason"]);
    expectSameAsGrade(rows, (s) => s.login);
    expect(rows.find((r) => r.student === "brownbob")?.late).toBe("true");
    expect(rows.find((r) => r.student === "andersalice")?.late).toBe("false");
    const reason = (student: string) => rows.find((r) => r.student === student)?.reason;
    expect(reason("linkmallory")).toMatch(/symbolic link/);
    expect(reason("bombtrudy")).toMatch(/zip bomb/);
    expect(reason("hugeoscar")).toMatch(/over the \d+-byte limit/);
    expect(rows).toHaveLength(students.length + 3);
    expect(run.stderr).toContain("refused: ../../escape.ts: its path escapes the archive");
    expect(run.stderr).toContain("refused: /etc/passwd.ts: its path escapes the archive (absolute path)");
    expect(run.stderr).toMatch(new RegExp(`^${students.length + 3} submissions: graded ${students.length - 1}, unreadable 4, error 0$`, "m"));
    expect(run.stderr).toMatch(/^mean \d+(\.\d{1,2})? \/ 100$/m);
    expect(existsSync(join(dir, "..", "escape.ts"))).toBe(false);

    const report = reportSchema.parse(JSON.parse(readFileSync(join(out, "reports", "andersalice_1001", "report.json"), "utf8")));
    expect(report.score).toBe(100);
    for (const file of ["report.txt", "junit.xml", "results.json"]) expect(readFileSync(join(out, "reports", "andersalice_1001", file), "utf8").length).toBeGreaterThan(0);
    expect(readFileSync(join(out, "similarity.csv"), "utf8")).toMatch(/^rank,left,right,similarity/);

    // Everything is in the journal: a resumed run grades nothing, and --strict turns the unreadable rows into exit 1.
    const again = await cli(["grade-all", path("canvas.zip"), "--out", out, "--resume", "--strict"]);
    expect(again.code, again.stderr).toBe(1);
    expect(again.stderr).toContain(`grading 0 of ${students.length + 3} submissions (${students.length + 3} already in the journal)`);
    expect(readCsv(join(out, "grades.csv"))).toEqual(rows);
  });

  it("grades a Moodle folder into the Moodle import layout, with a plain grades-plain.csv beside it", async () => {
    const out = path("out-moodle");
    const run = await cli(["grade-all", path("moodle"), "--out", out, "--layout-out", "moodle", "--quiet"]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/^\[\d+\/\d+\]/m);
    expect(readFileSync(join(out, "grades.csv"), "utf8").split("\r\n")[0]).toBe(`Username,${EXERCISE_IDS.join(",")}`);
    expectSameAsGrade(readCsv(join(out, "grades-plain.csv")), (s) => s.fullName);
  });

  it("grades a Gradescope zip: students from the metadata, a group's grade on each member's line", async () => {
    const out = path("out-gradescope");
    const run = await cli(["grade-all", path("gradescope.zip"), "--out", out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("gradescope layout");
    const rows = readCsv(join(out, "grades.csv"));
    const solo = students.slice(0, -2);
    expectSameAsGrade(rows, (s) => `${s.login}@example.edu`, solo);
    expect(rows).toHaveLength(students.length);
    const group = students.at(-2) as CorpusStudent;
    const [a, b] = students.slice(-2).map((s) => rows.find((r) => r.student === `${s.login}@example.edu`));
    expect(a?.score).toBe(String(single.get(group.login)?.report?.score));
    expect(b).toEqual({ ...a, student: b?.student });
  });

  it("applies --assignment's late penalty where Gradescope's metadata gives the time", async () => {
    const solved = ["amy", "ben", "cat", "dan"].map((login, i) => ({ login, fullName: login, id: 2000 + i, source: solutionModule() }));
    writeFileSync(path("gradescope-late.zip"), await zipBuffer(gradescopeExport(solved)));
    // Handed in 2026-11-01, -02 and -03 at 19:00Z (the last two together).
    const assignment = { exercises: ["zero_pad"], dueAt: "2026-11-01T20:00:00Z", lateUntil: "2026-11-03T00:00:00Z", latePenalty: { percentPerHour: 1, maxPercent: 50 } };
    writeFileSync(path("assignment.json"), JSON.stringify(assignment));
    const out = path("out-late");
    const run = await cli(["grade-all", path("gradescope-late.zip"), "--out", out, "--assignment", path("assignment.json")]);
    expect(run.code, run.stderr).toBe(0);
    const rows = readCsv(join(out, "grades.csv"));
    expect(Object.keys(rows[0] ?? {})).toEqual(["student", "score", "maxScore", "zero_pad", "late", "status", "reason"]);
    expect(rows.map((r) => [r.student, r.score, r.zero_pad, r.late, r.reason])).toEqual([
      ["amy@example.edu", "10", "10", "false", ""],
      ["ben@example.edu", "7.7", "10", "true", "1380 minutes late: -23% (raw 10)"],
      ["cat@example.edu", "0", "10", "true", expect.stringMatching(/after the assignment closed at 2026-11-03T00:00:00.000Z: 0 \(raw 10\)/)],
      ["dan@example.edu", "0", "10", "true", expect.stringMatching(/after the assignment closed/)],
    ]);
    writeFileSync(path("bad-assignment.json"), JSON.stringify({ ...assignment, dueAt: "tomorrow" }));
    const bad = await cli(["grade-all", path("gradescope-late.zip"), "--out", path("out-late-2"), "--assignment", path("bad-assignment.json")]);
    expect([bad.code, bad.stderr]).toEqual([2, expect.stringMatching(/--assignment .*bad-assignment\.json: dueAt: dueAt must be an ISO 8601 date-time/)]);
  });

  it("answers bad input with exit 2 and a message, and never overwrites an earlier run's journal", async () => {
    const missing = await cli(["grade-all", path("nothing-here")]);
    expect([missing.code, missing.stderr]).toEqual([2, expect.stringMatching(/cannot read .*nothing-here: no such file or folder/)]);
    const notZip = await cli(["grade-all", path("not-a.zip"), "--out", path("out-x")]);
    expect([notZip.code, notZip.stderr]).toEqual([2, expect.stringMatching(/not a readable zip/)]);
    const layout = await cli(["grade-all", path("moodle"), "--layout", "blackboard"]);
    expect([layout.code, layout.stderr]).toEqual([2, expect.stringMatching(/unknown --layout "blackboard"; layouts: canvas, moodle, gradescope, plain/)]);
    const jobs = await cli(["grade-all", path("moodle"), "--jobs", "0"]);
    expect([jobs.code, jobs.stderr]).toEqual([2, expect.stringMatching(/--jobs must be a whole number from 1 to 64/)]);
    const journal = join(path("out-moodle"), "journal.jsonl");
    const before = readFileSync(journal, "utf8");
    const clash = await cli(["grade-all", path("moodle"), "--out", path("out-moodle")]);
    expect([clash.code, clash.stderr]).toEqual([2, expect.stringMatching(/holds the journal of an earlier run; pass --resume/)]);
    const other = await cli(["grade-all", path("gradescope.zip"), "--out", path("out-moodle"), "--resume"]);
    expect([other.code, other.stderr]).toEqual([2, expect.stringMatching(/the journal .* is of .*moodle, not .*gradescope\.zip/)]);
    expect(readFileSync(journal, "utf8")).toBe(before);
  });
});

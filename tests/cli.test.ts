import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises, solutionModule, starterModule } from "../exercises/index.ts";
import { report as reportSchema } from "../grader/report.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
const totalCases = exercises.reduce((n, e) => n + e.cases.length, 0);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], entry: string[] = ["--import", "tsx", "cli/main.ts"]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...entry, ...args], { cwd: repo, maxBuffer: 32 * 1024 * 1024, timeout: 240_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-cli-"));
  writeFileSync(file("solution.ts"), solutionModule());
  writeFileSync(file("starter.ts"), starterModule());
  writeFileSync(file("syntax.ts"), "export function zero_pad(X, pad) {\n  return X +;\n}\n");
  writeFileSync(file("huge.ts"), `// ${"x".repeat(300_000)}\n`);
  mkdirSync(file("a-directory"));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("autograde grade", () => {
  it("grades the assembled model solution: 100/100, exit 0, only the JSON report on stdout", async () => {
    const run = await cli(["grade", file("solution.ts"), "--format", "json"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(run.stdout));
    expect([report.score, report.maxScore]).toEqual([100, 100]);
    expect(report.exercises.map((e) => e.id)).toEqual([...EXERCISE_IDS]);
    expect(report.exercises.every((e) => e.status === "passed")).toBe(true);
    expect(report.exercises.flatMap((e) => e.cases)).toHaveLength(totalCases);
    expect(report.diagnostics).toEqual([]);
    const visible = report.exercises.flatMap((e) => e.cases.filter((c) => c.visible));
    expect(visible.length).toBeGreaterThanOrEqual(EXERCISE_IDS.length);
    expect(visible.every((c) => c.printout !== undefined && c.printout.got.length > 0 && c.printout.expected.length > 0)).toBe(true);
    expect(report.exercises.find((e) => e.id === "pool_backward")?.cases.every((c) => c.variant !== undefined)).toBe(true);
  });

  it("grades the starter 0 and exits 1 below --min-score 50", async () => {
    const run = await cli(["grade", file("starter.ts"), "--format", "json", "--min-score", "50"]);
    expect(run.code).toBe(1);
    const report = reportSchema.parse(JSON.parse(run.stdout));
    expect(report.score).toBe(0);
    expect(report.exercises.every((e) => e.status === "failed" || e.status === "missing")).toBe(true);
    expect(run.stderr).toMatch(/score 0\/100 is below --min-score 50/);
  });

  it("--exercise filters, in course order whatever order is given", async () => {
    const run = await cli(["grade", file("solution.ts"), "--exercise", "conv_forward", "--exercise", "zero_pad", "--format", "json", "--min-score", "30"]);
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(run.stdout));
    expect(report.exercises.map((e) => e.id)).toEqual(["zero_pad", "conv_forward"]);
    expect([report.score, report.maxScore]).toEqual([30, 30]);
  });

  it("reports a syntax error as compile_error with a positioned diagnostic (graded, exit 0)", async () => {
    const run = await cli(["grade", file("syntax.ts"), "--exercise", "zero_pad", "--format", "json"]);
    expect(run.code).toBe(0);
    const report = reportSchema.parse(JSON.parse(run.stdout));
    expect(report.exercises.map((e) => e.status)).toEqual(["compile_error"]);
    expect(report.diagnostics[0]).toMatchObject({ line: 2, severity: "error" });
  });

  it("a file that does not compile leaves stderr to people: no log line from the warm-up the run cut short", async () => {
    const run = await cli(["grade", file("syntax.ts")]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/compile_error/);
    expect(run.stderr).toBe("");
  });

  describe("formats (zero_pad only)", () => {
    const zeroPadCases = exercises[0]?.cases.length ?? 0;

    it("text is a readable summary with the visible case's printout", async () => {
      const run = await cli(["grade", file("solution.ts"), "--exercise", "zero_pad"]);
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/^zero_pad \(.+\): 10\/10 passed$/m);
      expect(run.stdout).toMatch(/printout: x_pad\.shape = \(4, 7, 7, 2\)/);
      expect(run.stdout.trimEnd().endsWith("score: 10/10")).toBe(true);
    });

    it("junit is valid XML with one testcase per case", async () => {
      const run = await cli(["grade", file("starter.ts"), "--exercise", "zero_pad", "--format", "junit"]);
      expect(run.code).toBe(0);
      expect(XMLValidator.validate(run.stdout)).toBe(true);
      const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (n) => n === "testcase" || n === "testsuite" }).parse(run.stdout);
      const cases = parsed.testsuites.testsuite[0].testcase as { classname: string; failure?: unknown; error?: unknown }[];
      expect(cases).toHaveLength(zeroPadCases);
      expect(cases.every((c) => c.classname === "zero_pad" && (c.failure !== undefined || c.error !== undefined))).toBe(true);
    });

    it("gradescope is Gradescope's results.json shape", async () => {
      const run = await cli(["grade", file("solution.ts"), "--exercise", "zero_pad", "--format", "gradescope"]);
      expect(run.code).toBe(0);
      const results = JSON.parse(run.stdout) as { score: number; tests: { name: string; score: number; max_score: number; visibility: string }[] };
      expect(results.score).toBe(10);
      expect(results.tests).toHaveLength(zeroPadCases);
      expect(results.tests.reduce((s, t) => s + t.max_score, 0)).toBeCloseTo(10, 3);
      expect(new Set(results.tests.map((t) => t.visibility))).toEqual(new Set(["visible", "after_published"]));
    });
  });

  it.each([
    ["an unknown flag", ["--fast"], /unknown flag --fast/],
    ["an unknown exercise id", ["--exercise", "conv_sideways"], /unknown exercise "conv_sideways"/],
    ["an unknown format", ["--format", "yaml"], /unknown format "yaml"/],
    ["a non-numeric --min-score", ["--min-score", "lots"], /--min-score must be a non-negative number, got "lots"/],
    ["a negative --min-score", ["--min-score=-5"], /--min-score must be a non-negative number, got "-5"/],
    ["a flag missing its value", ["--format"], /flag --format needs a value/],
  ])("exits 2 on %s, naming it on stderr", async (_name, extra, message) => {
    const run = await cli(["grade", file("solution.ts"), ...extra]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });

  it.each([
    ["no file", [], /missing the submission file/],
    ["a missing file", ["nope/missing.ts"], /cannot read nope\/missing\.ts: no such file/],
    ["a directory", ["DIR"], /cannot read .*a-directory: it is a directory/],
    ["a source over 256 KiB", ["HUGE"], /huge\.ts is \d+ bytes; the limit is 262144 bytes/],
    ["two files", ["a.ts", "b.ts"], /unexpected argument "b\.ts"/],
  ])("exits 2 on %s", async (_name, files, message) => {
    const resolved = files.map((f) => (f === "DIR" ? file("a-directory") : f === "HUGE" ? file("huge.ts") : f));
    const run = await cli(["grade", ...resolved]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
  });
});

describe("autograde exercises, starter, help", () => {
  it("lists the eight exercises in course order with 100 points in all", async () => {
    const run = await cli(["exercises"]);
    expect(run.code).toBe(0);
    const ids = run.stdout.split("\n").map((l) => l.split(/\s+/)[0]).filter((id) => id);
    expect(ids).toEqual([...EXERCISE_IDS]);
    expect(run.stdout).toMatch(/100 pts in all/);
  });

  it("lists them as JSON", async () => {
    const rows = JSON.parse((await cli(["exercises", "--format", "json"])).stdout) as { id: string; points: number; hiddenCases: number }[];
    expect(rows.map((r) => r.id)).toEqual([...EXERCISE_IDS]);
    expect(rows.every((r) => r.hiddenCases >= 6)).toBe(true);
  });

  it("prints one exercise's starter, and the whole course's without an id", async () => {
    const one = await cli(["starter", "conv_forward"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(`${starterModule(["conv_forward"])}`);
    const all = await cli(["starter"]);
    expect(all.stdout).toBe(starterModule());
  });

  it("exits 2 on an unknown starter id", async () => {
    const run = await cli(["starter", "pool_sideways"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toMatch(/unknown exercise "pool_sideways"/);
  });

  it("prints one exercise's model solution with what it calls, which grades full marks, and the whole course's without an id", async () => {
    const one = await cli(["solution", "pool_backward"]);
    expect(one.code).toBe(0);
    expect(one.stdout).toBe(solutionModule(["pool_backward"]));
    expect(one.stdout).toContain("export function create_mask_from_window");
    expect(one.stdout).not.toContain("TODO");
    writeFileSync(file("pool_backward-solution.ts"), one.stdout);
    const graded = await cli(["grade", file("pool_backward-solution.ts"), "--exercise", "pool_backward", "--format", "json"]);
    const report = reportSchema.parse(JSON.parse(graded.stdout));
    expect([graded.code, report.score, report.maxScore]).toEqual([0, report.maxScore, exercises.find((e) => e.id === "pool_backward")!.points]);
    expect((await cli(["solution"])).stdout).toBe(solutionModule());
  });

  it("exits 2 on an unknown solution id, listing the ids; its usage says it is for course staff", async () => {
    const run = await cli(["solution", "pool_sideways"]);
    expect([run.code, run.stdout]).toEqual([2, ""]);
    expect(run.stderr).toContain(`unknown exercise "pool_sideways"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    const help = await cli(["solution", "--help"]);
    expect(help.stdout).toMatch(/^usage: autograde solution \[<exercise-id>\]\n\nFor course staff:/);
  });

  it.each([[[]], [["--help"]]])("%j lists every command", async (args) => {
    const run = await cli(args);
    expect(run.code).toBe(0);
    for (const name of ["grade", "exercises", "starter", "solution", "check", "keys", "lti", "serve"]) expect(run.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
  });

  it("shows a command's usage with --help", async () => {
    const run = await cli(["grade", "--help"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^usage: autograde grade <file\.ts>/);
  });

  it("exits 2 on an unknown command", async () => {
    const run = await cli(["regrade-everything"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/unknown command "regrade-everything"/);
  });

  it("runs through the bin entry too", async () => {
    const run = await cli(["exercises"], ["bin/autograde.js"]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^zero_pad /);
  });
});

describe("autograde check", () => {
  it("passes: solutions full marks, starters 0, deterministic; no progress lines off a TTY", async () => {
    const run = await cli(["check"]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^check passed: 8 exercises/m);
    expect(run.stdout.match(/^ok {4}\w+/gm)).toHaveLength(8);
    expect(run.stdout).not.toMatch(/^\[\d\/8\]/m);
  });
});

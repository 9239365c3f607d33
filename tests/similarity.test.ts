import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exportNames, solutionModule, starterModule } from "../exercises/index.ts";
import { moodleExport, renameIdentifiers, zipBuffer, type CorpusStudent } from "./grade-all-corpus.ts";
import { openStorage } from "../server/service.ts";
import { launchChromium } from "./helpers/browser-chromium.ts";

const repo = fileURLToPath(new URL("..", import.meta.url));
let dir: string;
let browser: Browser;

function cli(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: repo, timeout: 120_000, env }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
    );
  });
}

const student = (fullName: string, id: number, source: string): CorpusStudent => ({ login: fullName.toLowerCase().replace(/ /g, ""), fullName, id, source });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "autograde-similarity-"));
  const solution = solutionModule();
  const handout = "export function helper_from_the_handout(values: number[]): number {\n  let total = 0;\n  for (const v of values) total += v * v;\n  return Math.sqrt(total);\n}\n";
  const students = [
    student("Alice Anders", 1, solution),
    student("Bob Brown", 2, `${starterModule()}\n${handout}`),
    student("Carol Chen", 3, `${starterModule()}\n${handout}`),
    student("Dave Dunn", 4, solutionModule(EXERCISE_IDS.slice(0, 3))),
    student("Mallory Moss", 5, renameIdentifiers(solution, EXERCISE_IDS.flatMap((id) => exportNames(id)))),
    student("Eve Evans", 6, readFileSync(new URL("./hostile/31-missing-exports.ts", import.meta.url), "utf8")),
  ];
  writeFileSync(join(dir, "moodle.zip"), await zipBuffer(moodleExport(students)));
  writeFileSync(join(dir, "handout.ts"), handout);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("autograde similarity", () => {
  it("ranks the renamed-identifiers copy first; the starter and --ignore code count for nothing", async () => {
    const out = join(dir, "out");
    const run = await cli(["similarity", join(dir, "moodle.zip"), "--out", out, "--ignore", join(dir, "handout.ts")]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^ {2}1\. +\d+\.\d% {2}(Alice Anders ↔ Mallory Moss|Mallory Moss ↔ Alice Anders) /);
    expect(run.stderr).toContain("6 submissions compared (moodle layout)");
    expect(run.stderr).toContain("evidence for a person to judge, not a verdict");
    const csv = readFileSync(join(out, "similarity.csv"), "utf8").split("\r\n");
    expect(csv[1]).toMatch(/^1,(Alice Anders,Mallory Moss|Mallory Moss,Alice Anders),/);
    // Bob and Carol share only the starter and the handout.
    expect(csv.some((l) => /Bob Brown,Carol Chen|Carol Chen,Bob Brown/.test(l))).toBe(false);

    const withoutIgnore = await cli(["similarity", join(dir, "moodle.zip"), "--out", join(dir, "out2")]);
    expect(readFileSync(join(dir, "out2", "similarity.csv"), "utf8")).toMatch(/Bob Brown,Carol Chen|Carol Chen,Bob Brown/);
    expect(withoutIgnore.code).toBe(0);
  });

  it("writes a self-contained page that Chromium shows side by side, highlighted, with the notice first", async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const requests: string[] = [];
    page.on("request", (r) => requests.push(r.url()));
    const file = pathToFileURL(join(dir, "out", "similarity.html")).href;
    await page.goto(file);
    const notice = page.getByRole("note");
    await expect(notice.textContent()).resolves.toContain("Similarity is evidence for a person to judge, not a verdict.");
    expect(await notice.isVisible()).toBe(true);
    const firstRow = page.locator("tbody tr").first();
    expect(await firstRow.textContent()).toMatch(/Alice Anders.*Mallory Moss|Mallory Moss.*Alice Anders/);
    await firstRow.getByRole("link").click();
    const sides = page.locator("#pair-1 .side");
    expect(await sides.count()).toBe(2);
    const [left, right] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
    expect(left && right && right.x >= left.x + left.width - 1 && Math.abs(right.y - left.y) < 2).toBe(true);
    for (const i of [0, 1]) expect(await sides.nth(i).locator("mark").count()).toBeGreaterThan(0);
    // The root tsconfig has no DOM library: the page's own global, typed here.
    const colour = await sides.nth(0).locator("mark").first().evaluate((m) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(m).backgroundColor);
    expect(colour).not.toBe("rgba(0, 0, 0, 0)");
    await page.locator("#pair-1").screenshot({ path: join(tmpdir(), "autograde-similarity-pair.png") });
    expect(requests).toEqual([file]);
    await page.close();
  });
});

describe("autograde similarity --course --assignment", () => {
  it("compares each student's latest submission in the service's database, leaving staff out", async () => {
    const dataDir = join(dir, "service");
    const storage = openStorage({ dataDir });
    const solution = solutionModule();
    const renamed = renameIdentifiers(solution, EXERCISE_IDS.flatMap((id) => exportNames(id)));
    try {
      await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
      await storage.putAssignment({ ...(await storage.getAssignment("cs101", "default"))!, id: "hw1", title: "HW 1" });
      let n = 0;
      const submit = (student: string, source: string, submitterRole: "student" | "instructor" = "student") =>
        storage.createSubmission(
          { student, submittedBy: student, source, exercises: null, callbackUrl: null, idempotencyKey: null, requestHash: `h${++n}`, now: n, course: "cs101", assignment: "hw1", submitterRole },
          { maxQueueDepth: 100 },
        );
      await submit("alice", starterModule());
      await submit("alice", solution);
      await submit("bob", renamed);
      await submit("carol", solutionModule(EXERCISE_IDS.slice(0, 2)));
      await submit("prof", solution, "instructor");
    } finally {
      await storage.close();
    }
    const out = join(dir, "from-service");
    const env: NodeJS.ProcessEnv = { ...process.env, AUTOGRADE_DATA_DIR: dataDir };
    delete env.DATABASE_URL;
    const run = await cli(["similarity", "--course", "cs101", "--assignment", "hw1", "--out", out], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout.split("\n")[0]).toMatch(/^ {2}1\. +\d+\.\d% {2}(alice ↔ bob|bob ↔ alice) /);
    expect(run.stderr).toContain("3 submissions compared (latest of each student in cs101/hw1)");
    const csv = readFileSync(join(out, "similarity.csv"), "utf8");
    expect(csv).not.toContain("prof");
    expect(readFileSync(join(out, "similarity.html"), "utf8")).toContain("Similarity is evidence for a person to judge, not a verdict.");

    for (const [args, message] of [
      [["--course", "cs101"], "--assignment is missing"],
      [["--course", "nope", "--assignment", "hw1"], "no course nope"],
      [["--course", "cs101", "--assignment", "nope"], "course cs101 has no assignment nope"],
      [[join(dir, "moodle.zip"), "--course", "cs101", "--assignment", "hw1"], "not both"],
    ] as const) {
      const bad = await cli(["similarity", ...args, "--out", join(dir, "bad")], env);
      expect([bad.code, bad.stderr], args.join(" ")).toEqual([2, expect.stringContaining(message)]);
    }
  });
});

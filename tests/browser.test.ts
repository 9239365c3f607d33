import { readFile } from "node:fs/promises";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise, solutionModule } from "../exercises/index.ts";
import { dispatchPaste, fitsViewportWidth, foreignRequests, launchChromium, watchContext, type PageWatch } from "./helpers/browser-chromium.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const LAPTOP = { width: 1366, height: 768 };
const GRADING_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 90_000;
const STUDENT_SCREENSHOT = "/tmp/autograde-browser-student.png";
const STAFF_SCREENSHOT = "/tmp/autograde-browser-staff.png";

/** The real service, serving the page and the API from one origin. */
let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
const STUDENT = { key: KEYS.alice, name: "alice" };
const STAFF = { key: KEYS.staff, name: "prof" };
let browser: Browser;
const contexts: { context: BrowserContext; watch: PageWatch }[] = [];

beforeAll(async () => {
  data = tempDataDir();
  server = await startServerProcess(data.dir);
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

async function openPage(options: { acceptDownloads?: boolean; hash?: string } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: LAPTOP, acceptDownloads: options.acceptDownloads ?? false });
  const watch = watchContext(context);
  contexts.push({ context, watch });
  const page = await context.newPage();
  watch.watch(page);
  await page.goto(`${server.url}/${options.hash ?? ""}`);
  return page;
}

/** Types the key the way a keyboard user would: the field has focus on arrival, Enter submits. */
async function signIn(page: Page, key: string): Promise<void> {
  await page.getByLabel("API key").waitFor();
  await page.keyboard.type(key);
  await page.keyboard.press("Enter");
}

async function pasteIntoEditor(page: Page, text: string): Promise<void> {
  const editor = page.getByRole("textbox", { name: "Solution module, TypeScript" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await dispatchPaste(editor, text);
}

async function api<T>(path: string, key: string): Promise<T> {
  const response = await client(server.url, key).get(path);
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${response.text}`);
  return response.json as T;
}

function statusLine(page: Page) {
  return page.locator("#submission-status");
}

/** A zero_pad that returns its input: wrong shape on every case, everything else the model solution. */
function brokenZeroPadModule(): string {
  const zeroPad = getExercise("zero_pad");
  const wrong = `${zeroPad.signature.trim().replace(/;$/, "")} {\n  return X;\n}`;
  const module = solutionModule();
  const snippet = zeroPad.solution.trim();
  if (!module.includes(snippet)) throw new Error("solutionModule() no longer contains zero_pad's snippet verbatim");
  return module.replace(snippet, wrong);
}

describe("the page, in Chromium, against the real service", () => {
  it("a student signs in, pastes the model solution, submits and sees 100/100", async () => {
    const page = await openPage();
    const requests = contexts.at(-1)!.watch.requests;
    await signIn(page, STUDENT.key);
    await page.getByRole("button", { name: "Submit", exact: true }).waitFor();
    await expect(page.locator("#who").textContent()).resolves.toBe(`Signed in as ${STUDENT.name} (student)`);
    await expect(statusLine(page).textContent()).resolves.toBe("Loaded the starter module.");
    // One request for the whole catalogue and its starter module, none per exercise.
    const exerciseRequests = requests.map((url) => new URL(url)).filter((url) => url.pathname.startsWith("/v1/exercises"));
    expect(exerciseRequests.map((url) => url.pathname + url.search)).toEqual(["/v1/exercises?detail=true"]);

    const { exercises } = await api<{ exercises: { id: string; points: number }[] }>("/v1/exercises", STUDENT.key);
    const maxTotal = exercises.reduce((sum, e) => sum + e.points, 0);
    for (const exercise of exercises) {
      await expect(page.locator(`[data-exercise="${exercise.id}"] h3`).textContent()).resolves.toContain(exercise.id);
    }

    await pasteIntoEditor(page, solutionModule());
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    await page.getByText(`graded: ${maxTotal}/${maxTotal}`).waitFor({ timeout: GRADING_TIMEOUT_MS });

    await expect(page.getByTestId("total-score").textContent()).resolves.toBe(`Score ${maxTotal}/${maxTotal}`);
    for (const exercise of exercises) {
      const badge = page.locator(`[data-exercise="${exercise.id}"] [data-testid="exercise-score"]`);
      await expect(badge.textContent()).resolves.toBe(`${exercise.points}/${exercise.points} · passed`);
    }
    await expect(page.locator(".history tbody tr").count()).resolves.toBe(1);

    expect(await fitsViewportWidth(page), "no horizontal scrolling at 1366x768").toBe(true);
    const submit = await page.getByRole("button", { name: "Submit", exact: true }).boundingBox();
    expect(submit && submit.y + submit.height <= LAPTOP.height).toBe(true);

    await page.locator('[data-exercise="zero_pad"] summary').click();
    await page.screenshot({ path: STUDENT_SCREENSHOT });
  }, TEST_TIMEOUT_MS);

  it("a broken zero_pad, submitted with Ctrl+Enter, shows its status and the case feedback", async () => {
    // Signed in the way an LTI launch hands over a token: in the fragment, which the page then drops.
    const page = await openPage({ hash: `#launch=${encodeURIComponent(STUDENT.key)}` });
    await statusLine(page).filter({ hasText: /^Loaded your last submission, submission [0-9a-f]{8} \(attempt 1, / }).waitFor();
    expect(new URL(page.url()).hash).toBe("");
    await expect(page.getByLabel("API key").count()).resolves.toBe(0);

    await pasteIntoEditor(page, brokenZeroPadModule());
    await page.keyboard.press("Control+Enter");
    await page.getByText(/graded: [\d.]+\/[\d.]+\./).waitFor({ timeout: GRADING_TIMEOUT_MS });

    const list = await api<{ items: { id: string; createdAt: string }[] }>("/v1/submissions", STUDENT.key);
    const newest = [...list.items].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))[0]!;
    type Case = { name: string; visible: boolean; outcome: string; message: string; printout?: { got: string; expected: string } };
    const graded = await api<{ report: { score: number; maxScore: number; exercises: { id: string; score: number; maxScore: number; status: string; cases: Case[] }[] } }>(
      `/v1/submissions/${newest.id}`,
      STUDENT.key,
    );
    const zeroPad = graded.report.exercises.find((e) => e.id === "zero_pad")!;
    expect(zeroPad.score).toBeLessThan(zeroPad.maxScore);
    const wrongCase = zeroPad.cases.find((c) => c.visible && c.outcome === "wrong")!;
    expect(wrongCase.message).toMatch(/shape/);

    const [, shownTotal, shownMax] = /graded: ([\d.]+)\/([\d.]+)\./.exec((await statusLine(page).textContent()) ?? "") ?? [];
    expect(Number(shownTotal)).toBeCloseTo(graded.report.score, 1);
    expect(Number(shownMax)).toBe(graded.report.maxScore);
    const card = page.locator('[data-exercise="zero_pad"]');
    const badge = card.getByTestId("exercise-score");
    await expect(badge.getAttribute("class")).resolves.toContain(`status-${zeroPad.status}`);
    const [, badgeScore, badgeMax] = /^([\d.]+)\/([\d.]+)/.exec((await badge.textContent()) ?? "") ?? [];
    expect(Number(badgeScore)).toBeCloseTo(zeroPad.score, 1);
    expect(Number(badgeMax)).toBe(zeroPad.maxScore);
    const row = card.locator("tr", { hasText: wrongCase.name });
    await expect(row.locator(".badge").textContent()).resolves.toBe("wrong answer");
    await expect(row.locator(".case-message").textContent()).resolves.toContain(wrongCase.message);
    if (wrongCase.printout) {
      await expect(row.locator(".printout").textContent()).resolves.toContain(wrongCase.printout.expected);
    }
    // The pasted module really replaced the editor's content: exercises that do not use zero_pad pass.
    const poolForward = graded.report.exercises.find((e) => e.id === "pool_forward")!;
    expect(poolForward.status).toBe("passed");
    await expect(page.locator('[data-exercise="pool_forward"] [data-testid="exercise-score"]').textContent()).resolves.toBe(
      `${poolForward.maxScore}/${poolForward.maxScore} · passed`,
    );
    await expect(page.locator(".history tbody tr").count()).resolves.toBe(2);
  }, TEST_TIMEOUT_MS);

  it("staff see the gradebook, drill into a student, regrade, and download the CSV", async () => {
    const page = await openPage({ acceptDownloads: true });
    await signIn(page, STAFF.key);
    await page.locator("#who", { hasText: `Signed in as ${STAFF.name} (staff)` }).waitFor();
    const name = STUDENT.name;
    const studentButton = page.getByRole("button", { name, exact: true });
    await studentButton.waitFor();

    const book = await api<{ students: { student: string; total: number }[] }>("/v1/gradebook", STAFF.key);
    const best = book.students.find((s) => s.student === name)!;
    const row = page.locator("table.gradebook tbody tr", { has: studentButton });
    await expect(row.locator("td").last().textContent()).resolves.toBe(String(best.total));

    await studentButton.press("Enter");
    await page.getByRole("heading", { name: `Submissions by ${name}` }).waitFor();
    const rows = page.locator("table.submissions tbody tr");
    await expect(rows.count()).resolves.toBe(2);
    await rows.first().getByRole("button", { name: /^Report/ }).click();
    await page.getByTestId("report-total").waitFor();

    await rows.first().getByRole("button", { name: /^Regrade/ }).click();
    await page.locator("#announcer", { hasText: /regraded: [\d.]+\/[\d.]+/ }).waitFor({ timeout: GRADING_TIMEOUT_MS });
    await page.screenshot({ path: STAFF_SCREENSHOT });

    for (const layout of ["canvas", "moodle"] as const) {
      await page.getByLabel("CSV for").selectOption(layout);
      const downloadStarted = page.waitForEvent("download");
      // The gradebook's button, not the similarity panel's own "Download CSV".
      await page.getByRole("button", { name: "Download CSV" }).and(page.locator(":not([data-testid='similarity-panel'] *)")).click();
      const download = await downloadStarted;
      expect(download.suggestedFilename()).toBe(`autograde-gradebook-${layout}.csv`);
      const csv = await readFile(await download.path(), "utf8");
      const fromApi = await client(server.url, STAFF.key).get(`/v1/gradebook?format=csv&layout=${layout}`);
      expect(csv).toBe(fromApi.text);
      const [header, ...lines] = csv.split(/\r?\n/);
      expect(header!.split(",")[0]).toBe(layout === "canvas" ? "Student" : "Username");
      const studentLine = lines.find((line) => line.startsWith(`${name},`));
      expect(studentLine, `a ${layout} CSV line for ${name}`).toBeDefined();
      if (layout === "canvas") expect(studentLine!.split(",").at(-1)).toBe(String(best.total));
    }
  }, TEST_TIMEOUT_MS);

  it("no request left the page's origin and the page tripped no CSP rule", () => {
    const origin = new URL(server.url).origin;
    const all = contexts.flatMap(({ watch }) => watch.requests);
    expect(all.length).toBeGreaterThan(10);
    expect(foreignRequests(all, origin)).toEqual([]);
    expect(contexts.flatMap(({ watch }) => watch.problems)).toEqual([]);
  });
});

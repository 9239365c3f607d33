import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise, solutionModule } from "../exercises/index.ts";
import { dispatchPaste, fitsViewportWidth, launchChromium } from "./helpers/browser-chromium.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

/** Issue 17: the student page says which submission it shows, clears what no longer applies, and fits an LMS frame and a phone. */
const GRADING_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 120_000;
const SHOTS = "/tmp/autograde-shots/first-hour";
const WIDTHS = { desktop: 1280, lms: 970, phone: 390 } as const;

let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let browser: Browser;
let context: BrowserContext;
let page: Page;
/** Console messages of every type but debug/verbose, page errors, and CSP violations seen by the page itself. */
const problems: string[] = [];

interface Violations {
  __violations: string[];
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = tempDataDir();
  server = await startServerProcess(data.dir);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: WIDTHS.desktop, height: 900 } });
  // Registered before any script of the page runs, so a violation during load is caught too.
  await context.addInitScript(() => {
    const store = globalThis as unknown as Violations & { document: { addEventListener(type: string, f: (e: { violatedDirective: string; blockedURI: string; sample: string }) => void): void } };
    store.__violations = [];
    store.document.addEventListener("securitypolicyviolation", (e) => store.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));
  });
  page = await context.newPage();
  page.on("console", (message) => {
    if (["error", "warning"].includes(message.type())) problems.push(`console ${message.type()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

const statusLine = () => page.locator("#submission-status");
const historyItems = () => page.locator("table.history tbody tr.history-item");
/** History is newest first; attempt n of `total` is item total - n. */
const attemptItem = (n: number, total: number) => historyItems().nth(total - n);

async function api<T>(path: string): Promise<T> {
  const response = await client(server.url, KEYS.alice).get(path);
  if (response.status !== 200) throw new Error(`${path}: HTTP ${response.status} ${response.text}`);
  return response.json as T;
}

type Diagnostic = { line: number; column: number; severity: string; message: string };
type Graded = { id: string; createdAt: string; source: string; report: { score: number; maxScore: number; diagnostics: Diagnostic[]; exercises: { id: string; status: string; cases: { name: string; visible: boolean; printout?: { got: string; expected: string } }[] }[] } };

async function submissions(): Promise<Graded[]> {
  const list = await api<{ items: { id: string; createdAt: string }[] }>("/v1/submissions?limit=200");
  const oldestFirst = [...list.items].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
  return Promise.all(oldestFirst.map((s) => api<Graded>(`/v1/submissions/${s.id}`)));
}

async function replaceEditor(text: string): Promise<void> {
  const editor = page.getByRole("textbox", { name: "Solution module, TypeScript" });
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await dispatchPaste(editor, text);
}

/** The lines CodeMirror has rendered: the top of the module (it leaves lines far below the viewport out of the DOM). */
async function editorText(): Promise<string> {
  return page.locator(".cm-content").evaluate((element) => {
    const lines = (element as unknown as { querySelectorAll(s: string): ArrayLike<{ textContent: string | null }> }).querySelectorAll(".cm-line");
    return Array.from(lines, (line) => line.textContent ?? "").join("\n");
  });
}

async function submitAndWait(source: string, count: number): Promise<void> {
  await replaceEditor(source);
  await page.getByRole("button", { name: "Submit", exact: true }).click();
  await statusLine().filter({ hasText: new RegExp(`attempt ${count}, .*\\) (graded|did not compile)`) }).waitFor({ timeout: GRADING_TIMEOUT_MS });
}

/** A zero_pad that returns its input: wrong shape on every case, everything else the model solution. */
function brokenZeroPadModule(): string {
  const zeroPad = getExercise("zero_pad");
  const snippet = zeroPad.solution.trim();
  const module = solutionModule();
  if (!module.includes(snippet)) throw new Error("solutionModule() no longer contains zero_pad's snippet verbatim");
  return module.replace(snippet, `${zeroPad.signature.trim().replace(/;$/, "")} {\n  return X;\n}`);
}

/** The first `return` misspelt: esbuild refuses the module, so no case of any exercise runs. */
function notCompilingModule(): string {
  return solutionModule().replace("return", "retur n");
}

const shortId = (id: string) => id.slice(0, 8);

describe("the student page tells the truth (issue 17), in Chromium against the real service", () => {
  it("the sign-in form loads with no console error and no CSP violation", async () => {
    const fresh = await browser.newContext({ viewport: { width: WIDTHS.lms, height: 800 } });
    try {
      const signIn = await fresh.newPage();
      const seen: string[] = [];
      signIn.on("console", (message) => {
        if (["error", "warning"].includes(message.type())) seen.push(`console ${message.type()}: ${message.text()}`);
      });
      signIn.on("pageerror", (error) => seen.push(`page error: ${error.message}`));
      await signIn.addInitScript(() => {
        const g = globalThis as unknown as Violations & { document: { addEventListener(type: string, f: (e: { violatedDirective: string }) => void): void } };
        g.__violations = [];
        g.document.addEventListener("securitypolicyviolation", (e) => g.__violations.push(e.violatedDirective));
      });
      await signIn.goto(`${server.url}/`);
      await signIn.getByLabel("API key").waitFor();
      // No key yet: the page asks nothing of the API (a 401 from /v1/me was logged at every load).
      await expect(signIn.getByRole("alert").textContent()).resolves.toBe("");
      // A first start has no key: the form says how the operator makes one.
      await expect(signIn.locator("form.sign-in").textContent()).resolves.toContain("keys create --role staff");
      expect(await signIn.evaluate(() => (globalThis as unknown as Violations).__violations)).toEqual([]);
      expect(seen).toEqual([]);
    } finally {
      await fresh.close();
    }
  }, TEST_TIMEOUT_MS);

  it("loads from a course link with no console error and no CSP violation", async () => {
    await page.goto(`${server.url}/#launch=${encodeURIComponent(KEYS.alice)}`);
    await statusLine().filter({ hasText: "Loaded the starter module." }).waitFor();
    await page.getByRole("button", { name: "Submit", exact: true }).waitFor();
    // CodeMirror mounts its styles after the first paint; give a late violation the chance to be reported.
    await page.locator(".cm-editor").waitFor();
    await page.evaluate(() => {
      const { requestAnimationFrame: frame } = globalThis as unknown as { requestAnimationFrame(f: () => void): void };
      return new Promise<void>((resolve) => frame(() => frame(resolve)));
    });
    expect(await page.evaluate(() => (globalThis as unknown as Violations).__violations)).toEqual([]);
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT_MS);

  it("shows per-exercise progress while grading when the service reports it", async () => {
    const exercises = (await api<{ exercises: { id: string; points: number }[] }>("/v1/exercises")).exercises;
    let hold = true;
    let held = 0;
    // The service's answer while running, with the progress field added: the page's rendering of it, whatever the server sends today.
    await page.route(/\/v1\/submissions\/[0-9a-f-]{36}$/, async (route) => {
      if (!hold || route.request().method() !== "GET") return route.continue();
      held++;
      const real = await route.fetch();
      const body = (await real.json()) as Record<string, unknown>;
      const progress = { exercises: exercises.map((e, i) => ({ id: e.id, state: i === 0 ? "graded" : i === 1 ? "running" : "waiting", ...(i === 0 ? { score: e.points } : {}), maxScore: e.points })) };
      await route.fulfill({ response: real, json: { ...body, status: "running", report: null, progress } });
    });
    try {
      await replaceEditor(solutionModule());
      await page.getByRole("button", { name: "Submit", exact: true }).click();
      const list = page.getByTestId("grading-progress");
      // The POST's answer may carry the service's own progress first (every exercise waiting); the held poll follows.
      await list.locator("li").first().filter({ hasText: "graded" }).waitFor();
      expect(held).toBeGreaterThan(0);
      await expect(list.locator("li").count()).resolves.toBe(exercises.length);
      await expect(list.locator("li").first().textContent()).resolves.toBe(`${exercises[0]!.id} graded ${exercises[0]!.points}/${exercises[0]!.points}`);
      await expect(list.locator("li").nth(1).textContent()).resolves.toBe(`${exercises[1]!.id} running…`);
      await expect(list.locator("li").nth(2).textContent()).resolves.toBe(`${exercises[2]!.id} waiting`);
      await expect(list.getAttribute("aria-label")).resolves.toBe(`Grading progress: 1 of ${exercises.length} exercises graded`);
      await expect(statusLine().textContent()).resolves.toMatch(/is being graded…$/);
      await page.screenshot({ path: `${SHOTS}/progress-${WIDTHS.desktop}.png` });
    } finally {
      hold = false;
    }
    await statusLine().filter({ hasText: /attempt 1, .*\) graded: 100\/100/ }).waitFor({ timeout: GRADING_TIMEOUT_MS });
    await page.unroute(/\/v1\/submissions\/[0-9a-f-]{36}$/);
    const list = page.getByTestId("grading-progress");
    // Graded: the list gives way to the report.
    await expect(list.count()).resolves.toBe(0);
  }, TEST_TIMEOUT_MS);

  it("a module that does not compile shows one banner with line:col and a 'not run' line per exercise, never 'threw'", async () => {
    await submitAndWait(brokenZeroPadModule(), 2);
    await submitAndWait(notCompilingModule(), 3);
    const [, , failed] = await submissions();
    const first = failed!.report.diagnostics.find((d) => d.severity === "error")!;
    expect(first, "esbuild's error for the misspelt return").toBeDefined();
    const banner = page.getByTestId("compile-banner");
    await expect(banner.count()).resolves.toBe(1);
    await expect(banner.textContent()).resolves.toContain(`line ${first.line}:${first.column}: ${first.message}`);
    const notRun = page.getByTestId("not-run");
    await expect(notRun.count()).resolves.toBe(failed!.report.exercises.length);
    await expect(notRun.first().locator("summary").textContent()).resolves.toMatch(/^Not run \(\d+ cases\): the module did not compile\.$/);
    await expect(page.locator(".cases tbody tr").count()).resolves.toBe(0);
    await expect(page.locator(".side-pane").textContent()).resolves.not.toMatch(/threw/);
    await expect(statusLine().textContent()).resolves.toMatch(new RegExp(`^Submission ${shortId(failed!.id)} \\(attempt 3, .*\\) did not compile: 0/100\\.$`));
    // The banner's position moves the cursor there.
    await banner.getByRole("button", { name: `line ${first.line}:${first.column}` }).click();
    await expect(page.locator(".cm-activeLine").textContent()).resolves.toBe(notCompilingModule().split("\n")[first.line - 1]);
    await page.screenshot({ path: `${SHOTS}/compile-error-${WIDTHS.desktop}.png` });
    await page.setViewportSize({ width: WIDTHS.phone, height: 844 });
    await banner.scrollIntoViewIfNeeded();
    expect(await fitsViewportWidth(page), "the banner fits a phone").toBe(true);
    await page.screenshot({ path: `${SHOTS}/compile-error-${WIDTHS.phone}.png` });
    await page.getByTestId("not-run").first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/not-run-${WIDTHS.phone}.png` });
    await page.setViewportSize({ width: WIDTHS.desktop, height: 900 });
  }, TEST_TIMEOUT_MS);

  it("history shows each attempt's date, exercises and score, and a diff against the attempt before", async () => {
    const all = await submissions();
    await expect(historyItems().count()).resolves.toBe(3);
    const catalogue = (await api<{ exercises: { id: string }[] }>("/v1/exercises")).exercises.map((e) => e.id);
    for (const [i, s] of all.entries()) {
      const item = attemptItem(i + 1, all.length);
      const local = await page.evaluate((iso) => {
        const d = new Date(iso);
        const pad = (n: number) => String(n).padStart(2, "0");
        return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
      }, s.createdAt);
      await expect(item.locator("time").textContent()).resolves.toBe(local);
      await expect(item.locator(".history-head").textContent()).resolves.toContain(`#${i + 1}`);
      await expect(item.locator(".history-exercises").textContent()).resolves.toBe(`all ${catalogue.length} exercises`);
      await expect(item.locator(".history-exercises").getAttribute("title")).resolves.toBe(catalogue.join(", "));
      await expect(item.locator(".history-score").textContent()).resolves.toBe(`${s.report.score}/${s.report.maxScore}`);
    }
    const second = attemptItem(2, 3);
    await second.getByRole("button", { name: "Changes since #1" }).click();
    const diff = second.getByTestId("diff");
    await diff.waitFor();
    const lines = (await diff.textContent())!.split("\n");
    expect(lines).toContain("+   return X;");
    expect(lines.some((line) => line.startsWith("- ") && line.includes("pad"))).toBe(true);
    await expect(diff.locator(".diff-added").count()).resolves.toBeGreaterThan(0);
    await expect(diff.locator(".diff-removed").count()).resolves.toBeGreaterThan(0);
    // The student's code is text: no element was made of it.
    await expect(diff.locator("span > *").count()).resolves.toBe(0);
  }, TEST_TIMEOUT_MS);

  it("Report on an older attempt names it in the status, marks its row current, and says the editor differs", async () => {
    const [oldest] = await submissions();
    await attemptItem(1, 3).getByRole("button", { name: /^Report/ }).click();
    await statusLine().filter({ hasText: `Showing the report of submission ${shortId(oldest!.id)} (attempt 1, ` }).waitFor();
    await expect(statusLine().textContent()).resolves.not.toContain("Loaded your last submission");
    await expect(attemptItem(1, 3).getAttribute("aria-current")).resolves.toBe("true");
    await expect(page.locator('table.history tr[aria-current="true"]').count()).resolves.toBe(1);
    await expect(page.getByTestId("shown-report").textContent()).resolves.toContain(`Report of submission ${shortId(oldest!.id)} (attempt 1, `);
    // The editor still holds attempt 3's module, which is not the code of the report shown.
    await expect(page.getByTestId("editor-sync").textContent()).resolves.toBe(`The editor holds code edited since ${shortId(oldest!.id)}.`);
    await expect(page.getByTestId("compile-banner").count()).resolves.toBe(0);
    await expect(page.getByTestId("total-score").textContent()).resolves.toBe("Score 100/100");
    // The list was redrawn around the new current row; the diff opened before is still open.
    await attemptItem(2, 3).getByTestId("diff").waitFor();
  }, TEST_TIMEOUT_MS);

  it("Edit on an older attempt loads its code and report, says so, and notices a later edit", async () => {
    const [, second] = await submissions();
    await attemptItem(2, 3).getByRole("button", { name: /^Edit/ }).click();
    await statusLine().filter({ hasText: `Loaded submission ${shortId(second!.id)} (attempt 2, ` }).waitFor();
    await expect(statusLine().textContent()).resolves.toMatch(/into the editor; its report is shown\.$/);
    const shownLines = (await editorText()).split("\n");
    expect(shownLines.length).toBeGreaterThan(10);
    expect(second!.source.startsWith(shownLines.join("\n"))).toBe(true);
    expect(shownLines).toContain("  return X;");
    await expect(attemptItem(2, 3).getAttribute("aria-current")).resolves.toBe("true");
    await expect(attemptItem(1, 3).getAttribute("aria-current")).resolves.toBeNull();
    await expect(page.getByTestId("editor-sync").textContent()).resolves.toBe("The editor holds its code.");
    const zeroPad = second!.report.exercises.find((e) => e.id === "zero_pad")!;
    await expect(page.locator('[data-exercise="zero_pad"] [data-testid="exercise-score"]').textContent()).resolves.toContain(zeroPad.status === "failed" ? "failed" : "partly");
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+End");
    await page.keyboard.type("\n// next idea");
    await expect(page.getByTestId("editor-sync").textContent()).resolves.toBe(`The editor holds code edited since ${shortId(second!.id)}.`);
  }, TEST_TIMEOUT_MS);

  it("printouts keep their lines and the header fits, at 1280, 970 and 390 px", async () => {
    const [, second] = await submissions();
    const printouts = second!.report.exercises.flatMap((e) => e.cases).filter((c) => c.printout && c.printout.got !== c.printout.expected);
    expect(printouts.length).toBeGreaterThan(0);
    await page.locator('[data-exercise="zero_pad"] summary').first().click();
    for (const width of [WIDTHS.desktop, WIDTHS.lms, WIDTHS.phone]) {
      await page.setViewportSize({ width, height: width === WIDTHS.phone ? 844 : 800 });
      expect(await fitsViewportWidth(page), `no horizontal page scroll at ${width} px`).toBe(true);
      // The document itself never scrolls at desktop widths: the panes do (a scrolled document hid the header).
      if (width !== WIDTHS.phone) expect(await page.evaluate(() => { const g = globalThis as unknown as { document: { documentElement: { scrollHeight: number } }; innerHeight: number }; return g.document.documentElement.scrollHeight <= g.innerHeight; })).toBe(true);
      for (const selector of [".app-header", ".app-header h1", "#who", "#sign-out:not([hidden])"]) {
        for (const box of await page.locator(selector).evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as { x: number; y: number; width: number; height: number }))) {
          expect(box.x, `${selector} at ${width} px`).toBeGreaterThanOrEqual(0);
          expect(box.y).toBeGreaterThanOrEqual(0);
          expect(box.x + box.width, `${selector} right edge at ${width} px`).toBeLessThanOrEqual(width + 0.5);
        }
      }
      // Each printout `pre` either shows every line of its text on its own row or scrolls sideways; it never wraps.
      const pres = await page.locator(".printout pre").evaluateAll((els) =>
        els.map((el) => {
          const { getComputedStyle } = globalThis as unknown as { getComputedStyle(e: unknown): { whiteSpace: string; paddingTop: string; paddingBottom: string; lineHeight: string } };
          const style = getComputedStyle(el);
          const inner = el.clientHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
          return { text: el.textContent ?? "", whiteSpace: style.whiteSpace, scrolls: el.scrollWidth > el.clientWidth, rows: Math.round(inner / parseFloat(style.lineHeight)) };
        }),
      );
      expect(pres.length).toBeGreaterThan(0);
      for (const pre of pres) {
        expect(pre.whiteSpace).toBe("pre");
        expect(pre.rows, `rows of a printout at ${width} px: ${JSON.stringify(pre.text.slice(0, 60))}`).toBe(pre.text.split("\n").length);
      }
      for (const selector of [".editor-host", ".side-pane", ".exercise"]) {
        const box = (await page.locator(selector).first().boundingBox())!;
        expect(box.x + box.width, `${selector} right edge at ${width} px`).toBeLessThanOrEqual(width + 0.5);
      }
      await page.screenshot({ path: `${SHOTS}/report-${width}.png` });
      await page.locator(".printout pre").first().scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/printout-${width}.png` });
      await page.locator('table.history tr[aria-current="true"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/history-${width}.png` });
    }
    await page.screenshot({ path: `${SHOTS}/report-${WIDTHS.phone}-full.png`, fullPage: true });
    await page.setViewportSize({ width: WIDTHS.desktop, height: 900 });
  }, TEST_TIMEOUT_MS);

  it("Reset to starter clears the results, the warnings and the status", async () => {
    await page.getByRole("button", { name: "Reset to starter" }).click();
    // Back to the top of the module, so the lines CodeMirror renders are the first ones.
    await page.locator(".cm-content").click();
    await page.keyboard.press("ControlOrMeta+Home");
    const starter = (await api<{ starterModule: string }>("/v1/exercises?detail=true")).starterModule;
    const shownLines = (await editorText()).split("\n");
    expect(shownLines.length).toBeGreaterThan(10);
    expect(starter.startsWith(shownLines.join("\n"))).toBe(true);
    await expect(statusLine().textContent()).resolves.toBe("Loaded the starter module.");
    await expect(page.getByTestId("total-score").textContent()).resolves.toBe("Not graded yet.");
    await expect(page.getByTestId("exercise-score").count()).resolves.toBe(0);
    await expect(page.locator(".cases").count()).resolves.toBe(0);
    await expect(page.getByTestId("compile-banner").count()).resolves.toBe(0);
    await expect(page.locator(".diagnostics").count()).resolves.toBe(0);
    await expect(page.locator(".cm-lint-marker, .cm-lintRange").count()).resolves.toBe(0);
    await expect(page.getByTestId("shown-report").textContent()).resolves.toBe("");
    await expect(page.locator('table.history tr[aria-current="true"]').count()).resolves.toBe(0);
    await page.screenshot({ path: `${SHOTS}/after-reset-${WIDTHS.desktop}.png` });
  }, TEST_TIMEOUT_MS);

  it("a reload shows the newest attempt as current and tripped no CSP rule or console error on the way", async () => {
    const all = await submissions();
    const newest = all.at(-1)!;
    await page.reload();
    await statusLine().filter({ hasText: `Loaded your last submission, submission ${shortId(newest.id)} (attempt 3, ` }).waitFor();
    await expect(attemptItem(3, 3).getAttribute("aria-current")).resolves.toBe("true");
    await expect(page.getByTestId("compile-banner").count()).resolves.toBe(1);
    expect(await page.evaluate(() => (globalThis as unknown as Violations).__violations)).toEqual([]);
    expect(problems).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

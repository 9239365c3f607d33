import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise, solutionModule } from "../exercises/index.ts";
import { formatDeadline } from "../web/src/time.ts";
import { fitsViewportWidth, foreignRequests, launchChromium, watchContext, dispatchPaste, type PageWatch } from "./helpers/browser-chromium.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const GRADING_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 90_000;
const ZONE = "America/New_York";
const WIDTHS = [1280, 970] as const;
const HOUR_MS = 3_600_000;

let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let browser: Browser;
const watches: PageWatch[] = [];
/** Set relative to the real clock, far from any rounding edge: due half an hour ago (one started day late), late window open two more days. */
const dueAt = new Date(Date.now() - HOUR_MS / 2).toISOString();
const lateUntil = new Date(Date.now() + 48 * HOUR_MS).toISOString();

const send = async (method: string, path: string, body: unknown) => {
  const r = await client(server.url, KEYS.staff).raw(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
};

beforeAll(async () => {
  data = tempDataDir();
  server = await startServerProcess(data.dir);
  await send("POST", "/v1/courses", { id: "cnn", title: "CNN 2026" });
  await send("PUT", "/v1/courses/cnn/members/alice", { role: "student" });
  await send("PUT", "/v1/courses/cnn/assignments/padding", {
    title: "Padding", exercises: ["zero_pad"], dueAt, lateUntil, latePenalty: { percentPerDay: 10, maxPercent: 50 }, maxAttempts: 3, hiddenResults: "immediately",
  });
  browser = await launchChromium();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

async function open(hash: string, width: number = WIDTHS[0]): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height: 800 }, timezoneId: ZONE });
  const watch = watchContext(context);
  watches.push(watch);
  const page = await context.newPage();
  watch.watch(page);
  await page.goto(`${server.url}/${hash}`);
  return page;
}

const scoped = (key: string) => `#${new URLSearchParams({ launch: key, course: "cnn", assignment: "padding" })}`;

describe("courses and assignments in the page, in Chromium", () => {
  it("a student on a link's assignment sees its due date in their zone, attempts left and, after a late submission, its penalty", async () => {
    const page = await open(scoped(KEYS.alice));
    const panel = page.getByTestId("assignment-panel");
    await panel.waitFor();
    await expect(panel.getByRole("heading").textContent()).resolves.toBe("Padding");
    await expect(page.getByTestId("due-at").textContent()).resolves.toContain(formatDeadline(dueAt, ZONE));
    expect(formatDeadline(dueAt, ZONE)).toContain(`(${ZONE})`);
    await expect(page.getByTestId("attempts-left").textContent()).resolves.toBe("3 of 3 left");
    await expect(panel.textContent()).resolves.toContain("−10% per started day late, at most −50%");
    // Only the link's exercise is offered: the rest of the worksheet is not graded here.
    await expect(page.locator(".exercise").count()).resolves.toBe(1);
    await expect(page.locator('[data-exercise="zero_pad"] .badge').textContent()).resolves.toBe(`${getExercise("zero_pad").points} points`);

    // A whole worksheet pasted, as in the Moodle run: the link grades zero_pad alone, 10 points, minus the late 10%.
    const editor = page.getByRole("textbox", { name: "Solution module, TypeScript" });
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await dispatchPaste(editor, solutionModule());
    await page.getByRole("button", { name: "Submit", exact: true }).click();
    await page.locator("#submission-status", { hasText: "graded:" }).waitFor({ timeout: GRADING_TIMEOUT_MS });
    const status = await page.locator("#submission-status").textContent();
    expect(status).toMatch(/graded: 9\/10 \(late \d+ min, −10%\)\./);
    await expect(page.getByTestId("late-penalty").textContent()).resolves.toContain("before the penalty: 10/10");
    await page.getByTestId("attempts-left").filter({ hasText: "2 of 3 left" }).waitFor();
    await expect(page.locator(".history tbody tr").first().textContent()).resolves.toMatch(/9\/10 late \d+ min, −10%/);

    const list = (await client(server.url, KEYS.alice).get("/v1/submissions?course=cnn&assignment=padding")).json as { items: { score: number; rawScore: number; late: unknown }[] };
    expect(list.items[0]).toMatchObject({ score: 9, rawScore: 10, late: { penaltyPercent: 10 } });

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      expect(await fitsViewportWidth(page), `no horizontal scrolling at ${width} px`).toBe(true);
      const badge = await page.locator('[data-exercise="zero_pad"] [data-testid="exercise-score"]').boundingBox();
      const card = await page.locator('[data-exercise="zero_pad"]').boundingBox();
      expect(badge && card && badge.x + badge.width <= card.x + card.width, `the status badge fits its card at ${width} px`).toBe(true);
      await page.screenshot({ path: `/tmp/autograde-browser-courses-student-${width}.png` });
    }
  }, TEST_TIMEOUT_MS);

  it("staff grant an extension: it is listed, and the student's late penalty is recomputed away", async () => {
    const page = await open(`#launch=${encodeURIComponent(KEYS.staff)}`);
    const courseChoice = page.getByLabel("Course", { exact: true });
    await courseChoice.waitFor();
    await courseChoice.selectOption("cnn");
    await page.getByLabel("Assignment", { exact: true }).selectOption("padding");
    await page.locator("table.course-gradebook tbody tr", { hasText: "alice" }).waitFor();
    await expect(page.locator("table.course-gradebook tbody tr", { hasText: "alice" }).textContent()).resolves.toContain("9");

    const newDue = new Date(Date.now() + 24 * HOUR_MS);
    // datetime-local in the browser's own zone, as a person would type it.
    const local = await page.evaluate((ms) => {
      const d = new Date(ms);
      const pad = (n: number) => String(n).padStart(2, "0");
      return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
    }, newDue.getTime());
    const form = page.getByRole("form", { name: "Grant an extension" });
    await form.getByLabel("Student").fill("alice");
    await form.getByLabel("New due date (your time zone)").fill(local);
    await form.getByRole("button", { name: "Grant extension" }).click();
    await page.locator("#announcer", { hasText: "Extension granted to alice on padding." }).waitFor();
    const row = page.locator("table.extensions tbody tr", { hasText: "alice" });
    await row.waitFor();
    const minute = new Date(Math.floor(newDue.getTime() / 60_000) * 60_000).toISOString();
    await expect(row.textContent()).resolves.toContain(formatDeadline(minute, ZONE));

    const extensions = (await client(server.url, KEYS.staff).get("/v1/courses/cnn/assignments/padding/extensions")).json as { extensions: { student: string; dueAt: string; grantedBy: string }[] };
    expect(extensions.extensions).toEqual([expect.objectContaining({ student: "alice", dueAt: minute, grantedBy: "prof" })]);
    const after = (await client(server.url, KEYS.alice).get("/v1/submissions?course=cnn&assignment=padding")).json as { items: { score: number; late: unknown }[] };
    expect(after.items[0]).toMatchObject({ score: 10, late: null });
    await page.locator("table.course-gradebook tbody tr", { hasText: "alice" }).filter({ hasText: "10" }).waitFor();

    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await page.locator(".course-admin").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `/tmp/autograde-browser-courses-staff-${width}.png` });
    }
  }, TEST_TIMEOUT_MS);

  it("no request left the page's origin and the page tripped no CSP rule", () => {
    const all = watches.flatMap((w) => w.requests);
    expect(foreignRequests(all, new URL(server.url).origin)).toEqual([]);
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
  });
});

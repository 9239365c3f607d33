import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solutionModule, starterModule } from "../exercises/index.ts";
import { fitsViewportWidth, foreignRequests, launchChromium, signedInPage, type PageWatch } from "./helpers/browser-chromium.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const GRADING_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 150_000;
const SHOTS = "/tmp/autograde-shots/staff";
const WIDTHS = [1280, 970, 390] as const;

let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let browser: Browser;
const watches: PageWatch[] = [];
const ids: string[] = [];
/** The model solution, with a first line that tells it apart in the source view. */
const marked = `// alice's marked solution\n${solutionModule()}`;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = tempDataDir();
  server = await startServerProcess(data.dir);
  const alice = client(server.url, KEYS.alice);
  for (const source of [starterModule(), marked]) {
    const created = await alice.post("/v1/submissions", { source });
    expect(created.status, created.text).toBe(202);
    ids.push(created.json.id);
    await alice.waitGraded(created.json.id, GRADING_TIMEOUT_MS);
  }
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

async function staffPage(width: number): Promise<Page> {
  const page = await signedInPage(browser, { url: server.url, key: KEYS.staff, width, watches });
  await page.getByRole("button", { name: "alice", exact: true }).click();
  await page.getByRole("heading", { name: "Submissions by alice" }).waitFor();
  return page;
}

const newest = (page: Page) => page.locator("table.submissions tbody tr").first();

describe("the staff page, in Chromium", () => {
  it("shows a student's source read-only, numbered, saying whose and which submission it is", async () => {
    const page = await staffPage(1280);
    await newest(page).getByRole("button", { name: /^Source/ }).click();
    const latest = ids[1] as string;
    await page.getByRole("heading", { name: `Source of submission ${latest.slice(0, 8)} by alice` }).waitFor();
    await expect(page.getByTestId("source-facts").textContent()).resolves.toContain(latest);
    const view = page.getByTestId("source-view");
    const lines = view.locator(".code-line");
    await expect(lines.count()).resolves.toBe(marked.split("\n").length);
    await expect(lines.first().locator(".ln").textContent()).resolves.toMatch(/^ *1$/);
    await expect(lines.first().locator(".lc").textContent()).resolves.toBe("// alice's marked solution");
    // Read-only text, not an editor; monospace.
    await expect(view.locator("[contenteditable], textarea").count()).resolves.toBe(0);
    const font = await view.locator("code").evaluate((e) => (globalThis as unknown as { getComputedStyle(e: unknown): { fontFamily: string } }).getComputedStyle(e).fontFamily);
    expect(font).toMatch(/mono/i);
    await page.screenshot({ path: `${SHOTS}/staff-source-1280.png`, fullPage: true });
  }, TEST_TIMEOUT_MS);

  it("confirms a regrade visibly: what was queued, then the new result; and a bulk regrade says how many", async () => {
    const page = await staffPage(1280);
    await newest(page).getByRole("button", { name: /^Regrade/ }).click();
    const status = page.getByTestId("regrade-status");
    await status.getByText("Regrade queued:").waitFor();
    await expect(status.textContent()).resolves.toContain(`submission ${(ids[1] as string).slice(0, 8)} of alice`);
    await status.getByText("Regraded:").waitFor({ timeout: GRADING_TIMEOUT_MS });
    await expect(status.textContent()).resolves.toMatch(/Regraded: submission [0-9a-f]{8} of alice: 100\/100 \(before: 100\/100\)\./);
    expect(await status.isVisible()).toBe(true);

    await page.getByRole("button", { name: "Regrade all of alice" }).click();
    await status.getByText("Regrade queued:").waitFor();
    await expect(status.textContent()).resolves.toContain("2 submissions of alice");
    await status.getByText("Regraded:").waitFor({ timeout: GRADING_TIMEOUT_MS });
    await expect(status.textContent()).resolves.toMatch(/2 submissions of alice; 2 graded, latest [0-9a-f]{8}: 100\/100\./);
    await page.screenshot({ path: `${SHOTS}/staff-regrade-1280.png`, fullPage: true });
  }, TEST_TIMEOUT_MS);

  it("fits 1280, 970 (an LMS frame) and 390 px: no page-wide horizontal scroll, the source scrolls in its box", async () => {
    for (const width of WIDTHS) {
      const page = await staffPage(width);
      await newest(page).getByRole("button", { name: /^Source/ }).click();
      await page.getByTestId("source-view").waitFor();
      expect(await fitsViewportWidth(page), `${width} px`).toBe(true);
      // The layout scrolls vertically; sideways only what is inside a table's or the code's own box.
      const layout = await page.locator(".staff-layout").evaluate((e) => [e.scrollWidth, e.clientWidth]);
      expect(layout[0], `${width} px: the staff layout is no wider than the window`).toBeLessThanOrEqual(layout[1] as number);
      const box = await page.getByTestId("source-view").boundingBox();
      expect(box && box.x >= 0 && box.x + box.width <= width, `${width} px: the source box is on screen`).toBe(true);
      await page.getByRole("heading", { name: /^Source of submission/ }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/staff-${width}.png` });
      await page.context().close();
    }
  }, TEST_TIMEOUT_MS);

  it("no request left the page's origin and the page tripped no CSP rule", () => {
    const all = watches.flatMap((w) => w.requests);
    expect(all.length).toBeGreaterThan(10);
    expect(foreignRequests(all, new URL(server.url).origin)).toEqual([]);
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
  });
});

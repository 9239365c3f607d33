import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exportNames, solutionModule } from "../exercises/index.ts";
import { renameIdentifiers } from "./grade-all-corpus.ts";
import { fitsViewportWidth, foreignRequests, launchChromium, signedInPage, type PageWatch } from "./helpers/browser-chromium.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const TEST_TIMEOUT_MS = 150_000;
const SHOTS = "/tmp/autograde-shots/staff";
const NOTICE = "Similarity is evidence for a person to judge, not a verdict.";

let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let browser: Browser;
const watches: PageWatch[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  data = tempDataDir();
  server = await startServerProcess(data.dir);
  const staff = client(server.url, KEYS.staff);
  const ok = async (r: Promise<{ status: number; text: string }>) => {
    const got = await r;
    if (got.status >= 300) throw new Error(`${got.status} ${got.text}`);
  };
  await ok(staff.post("/v1/courses", { id: "cnn", title: "CNN 2026" }));
  await ok(staff.raw("/v1/courses/cnn/assignments/hw", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ title: "Homework", exercises: [...EXERCISE_IDS] }) }).then(async (r) => ({ status: r.status, text: await r.text() })));
  for (const student of ["alice", "bob"]) {
    await ok(staff.raw(`/v1/courses/cnn/members/${student}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ role: "student" }) }).then(async (r) => ({ status: r.status, text: await r.text() })));
  }
  const solution = solutionModule();
  await ok(client(server.url, KEYS.alice).post("/v1/submissions", { source: solution, course: "cnn", assignment: "hw" }));
  await ok(client(server.url, KEYS.bob).post("/v1/submissions", { source: renameIdentifiers(solution, EXERCISE_IDS.flatMap((id) => exportNames(id))), course: "cnn", assignment: "hw" }));
  browser = await launchChromium();
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

async function similarityPanel(width: number): Promise<Page> {
  const page = await signedInPage(browser, { url: server.url, key: KEYS.staff, width, watches });
  await page.getByTestId("similarity-panel").waitFor();
  await page.locator("#similarity-course").selectOption("cnn");
  await page.locator('#similarity-assignment option[value="hw"]').waitFor({ state: "attached" });
  await page.locator("#similarity-assignment").selectOption("hw");
  return page;
}

describe("the similarity panel, in Chromium", () => {
  it("says it is computing, polls, ranks the renamed copy first and shows both sources side by side, highlighted, under the notice", async () => {
    const page = await similarityPanel(1280);
    const notice = page.getByTestId("similarity-notice");
    expect(await notice.isVisible()).toBe(true);
    await expect(notice.textContent()).resolves.toContain(NOTICE);

    await page.getByRole("button", { name: "Compare submissions" }).click();
    const state = page.getByTestId("similarity-state");
    await state.getByText(/^Computing…/).waitFor();
    const firstRow = page.locator("table.similarity-pairs tbody tr").first();
    await firstRow.waitFor({ timeout: 60_000 });
    await expect(state.textContent()).resolves.toMatch(/over the latest submissions of 2 students: 1 pair shares code/);
    await expect(firstRow.textContent()).resolves.toMatch(/alice ↔ bob/);
    await expect(firstRow.locator("td").nth(2).textContent()).resolves.toMatch(/^\d+\.\d%$/);
    await expect(firstRow.locator("td").nth(3).textContent()).resolves.toMatch(/^\d+ k-grams$/);

    await firstRow.getByRole("button", { name: /^Side by side/ }).click();
    await page.getByRole("heading", { name: /^#1: alice ↔ bob, similarity/ }).waitFor();
    const sides = page.locator(".similarity-side");
    await expect(sides.count()).resolves.toBe(2);
    const [left, right] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
    expect(left && right && right.x >= left.x + left.width - 1 && Math.abs(right.y - left.y) < 2).toBe(true);
    for (const i of [0, 1]) expect(await sides.nth(i).locator("mark").count()).toBeGreaterThan(0);
    await expect(sides.nth(0).textContent()).resolves.toContain("alice: submission");
    // The notice is above the ranking and stays on the page with the pair open.
    const noticeBox = await notice.boundingBox();
    const tableBox = await page.locator("table.similarity-pairs").boundingBox();
    expect(noticeBox && tableBox && noticeBox.y < tableBox.y).toBe(true);
    await page.getByRole("heading", { name: "Similarity", exact: true }).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/similarity-1280.png` });
    // Each fragment's button scrolls both sources to it, inside their boxes.
    await page.getByRole("button", { name: "fragment 2" }).click();
    for (const i of [0, 1]) {
      const [mark, view] = [await sides.nth(i).locator('mark[title="shared fragment 2"]').first().boundingBox(), await sides.nth(i).locator(".code-view").boundingBox()];
      expect(mark && view && mark.y >= view.y && mark.y + mark.height <= view.y + view.height, `side ${i}: fragment 2 in view`).toBe(true);
    }
    await sides.nth(0).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/similarity-sides-1280.png` });
  }, TEST_TIMEOUT_MS);

  it("fits 970 and 390 px: side by side in an LMS frame, stacked on a phone, nothing widens the page", async () => {
    for (const width of [970, 390]) {
      const page = await similarityPanel(width);
      await page.getByRole("button", { name: "Compare submissions" }).click();
      await page.locator("table.similarity-pairs tbody tr").first().getByRole("button", { name: /^Side by side/ }).click();
      await page.getByRole("heading", { name: /^#1: alice ↔ bob/ }).waitFor();
      expect(await fitsViewportWidth(page), `${width} px`).toBe(true);
      const layout = await page.locator(".staff-layout").evaluate((e) => [e.scrollWidth, e.clientWidth]);
      expect(layout[0], `${width} px`).toBeLessThanOrEqual(layout[1] as number);
      const sides = page.locator(".similarity-side");
      const [left, right] = [await sides.nth(0).boundingBox(), await sides.nth(1).boundingBox()];
      if (width === 390) expect(left && right && right.y >= left.y + left.height - 1, "390 px: stacked").toBe(true);
      else expect(left && right && right.x >= left.x + left.width - 1, "970 px: side by side").toBe(true);
      await page.getByTestId("similarity-notice").scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/similarity-${width}.png` });
      await page.getByRole("heading", { name: /^#1: alice ↔ bob/ }).scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/similarity-pair-${width}.png` });
      await page.context().close();
    }
  }, TEST_TIMEOUT_MS);

  it("no request left the page's origin and the page tripped no CSP rule", () => {
    const all = watches.flatMap((w) => w.requests);
    expect(foreignRequests(all, new URL(server.url).origin)).toEqual([]);
    expect(watches.flatMap((w) => w.problems)).toEqual([]);
  });
});

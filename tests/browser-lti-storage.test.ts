import type { Browser, BrowserContext, Frame, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, watchContext, type PageWatch } from "./helpers/browser-chromium.ts";
import { TOOL_FRAME_NAME } from "./helpers/lti-platform-course.ts";
import { parseAutoPostForm } from "./helpers/lti-platform-forms.ts";
import { parseToolStoragePage, STORAGE_FRAME_NAME, type StorageLogEntry } from "./helpers/lti-platform-storage.ts";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const TEST_TIMEOUT_MS = 60_000;
const STORAGE_TIMEOUT_MS = 1500;
const SIGNED_IN_STUDENT = /^Signed in as (lti-[0-9a-f]{20}) \(student\)$/;

let platform: TestPlatform;
let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let browser: Browser;
// playwright's contexts are off the record, which blocks third-party cookies: the tool's frame has none.
let context: BrowserContext;
let watch: PageWatch;
const toolStatuses: { path: string; status: number }[] = [];

/** The course page is served as localhost while the platform and the tool answer on 127.0.0.1: another site. */
const courseOrigin = () => `http://localhost:${new URL(platform.url).port}`;

beforeAll(async () => {
  data = tempDataDir();
  platform = await startTestPlatform({
    toolJwksUrl: () => `${server.url}/.well-known/jwks.json`,
    toolLoginUrl: () => `${server.url}/lti/login`,
    toolLaunchUrl: () => `${server.url}/lti/launch`,
  });
  server = await startServerProcess(data.dir, {
    AUTOGRADE_LTI_FRAME_ANCESTORS: courseOrigin(),
    AUTOGRADE_LTI_PLATFORM_STORAGE_TIMEOUT_MS: String(STORAGE_TIMEOUT_MS),
  });
  expect((await client(server.url, KEYS.staff).post("/v1/lti/registrations", platform.registration)).status).toBe(201);
  browser = await launchChromium();
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
  watch = watchContext(context);
  context.on("page", (page) => watch.watch(page));
  context.on("response", (response) => {
    const url = new URL(response.url());
    if (url.origin === server.url) toolStatuses.push({ path: url.pathname, status: response.status() });
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await platform?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

function prepare(sub: string): void {
  platform.prepareLaunch({ loginHint: sub, claims: platform.launchClaims({ sub }) });
}

async function openCourse(sub: string, storage: "answer" | "silent"): Promise<{ page: Page; tool: Frame }> {
  const page = await context.newPage();
  await page.goto(platform.courseUrl(sub, { hostname: "localhost", storage }));
  return { page, tool: page.frame({ name: TOOL_FRAME_NAME })! };
}

const storageLog = (page: Page): Promise<StorageLogEntry[]> =>
  page.frame({ name: STORAGE_FRAME_NAME })!.evaluate(() => (globalThis as unknown as { ltiStorageLog: StorageLogEntry[] }).ltiStorageLog);

const statusesSince = (mark: number, path: string) => toolStatuses.slice(mark).filter((r) => r.path === path).map((r) => r.status);

describe("an LTI login bound to the platform's postMessage storage, in Chromium", () => {
  it("framed in a course page whose LMS offers storage: the login stores its secret, the launch reads it back, the student is signed in", async () => {
    const problemsBefore = watch.problems.length;
    const mark = toolStatuses.length;
    prepare("student-ps1");
    const { page } = await openCourse("student-ps1", "answer");
    const who = page.frameLocator(`iframe[name=${TOOL_FRAME_NAME}]`).locator("#who");
    await who.filter({ hasText: SIGNED_IN_STUDENT }).waitFor({ timeout: 30_000 });
    expect(watch.problems.slice(problemsBefore), "no CSP violation or page error").toEqual([]);

    expect(statusesSince(mark, "/lti/login")).toEqual([200]);
    expect(statusesSince(mark, "/lti/launch")).toEqual([200]);
    expect(statusesSince(mark, "/lti/launch/continue")).toEqual([303]);
    const log = await storageLog(page);
    expect(log.map((m) => m.subject)).toEqual(["lti.put_data", "lti.get_data"]);
    expect(new Set(log.map((m) => m.origin))).toEqual(new Set([server.url]));
    expect(log[0]!.key).toBe(log[1]!.key);
    expect(server.logs.some((line) => line.includes('"stateBinding":"platform_storage"'))).toBe(true);
  }, TEST_TIMEOUT_MS);

  it("an attacker's login, posted into the victim's LMS frame, is refused by the launch page: the victim's storage never held it", async () => {
    // The attacker logs in on their own machine, with their own platform storage, and keeps the platform's post.
    prepare("attacker-ps");
    const initiation = platform.loginInitiation(`${server.url}/lti/login`, { loginHint: "attacker-ps", targetLinkUri: `${server.url}/lti/launch`, storageTarget: STORAGE_FRAME_NAME });
    const put = parseToolStoragePage(await (await fetch(initiation.url)).text());
    const stolen = parseAutoPostForm(await (await fetch(put.authUrl!)).text());

    // The victim's browser, in the course page, is made to post it into the tool's frame.
    const mark = toolStatuses.length;
    prepare("victim-ps");
    const { page, tool } = await openCourse("victim-ps", "answer");
    await page.frameLocator(`iframe[name=${TOOL_FRAME_NAME}]`).locator("#who").filter({ hasText: SIGNED_IN_STUDENT }).waitFor({ timeout: 30_000 });
    await page.evaluate(({ action, fields, target }) => {
      const doc = (globalThis as unknown as { document: any }).document;
      const form = doc.createElement("form");
      Object.assign(form, { method: "POST", action, target });
      for (const [name, value] of Object.entries(fields)) form.append(Object.assign(doc.createElement("input"), { type: "hidden", name, value }));
      doc.body.append(form);
      form.submit();
    }, { action: stolen.action, fields: stolen.fields, target: TOOL_FRAME_NAME });
    const alert = page.frameLocator(`iframe[name=${TOOL_FRAME_NAME}]`).getByRole("alert");
    await alert.filter({ hasText: "no record of this sign-in" }).waitFor({ timeout: 15_000 });
    expect(new URL(tool.url()).pathname).toBe("/lti/launch");
    // The victim's own launch went through; the attacker's stopped at the page, before any continuation.
    expect(statusesSince(mark, "/lti/launch/continue")).toEqual([303]);
  }, TEST_TIMEOUT_MS);

  it("an LMS that offers storage but never answers: a clear error in the frame, and no launch", async () => {
    const mark = toolStatuses.length;
    prepare("student-ps2");
    const { page } = await openCourse("student-ps2", "silent");
    const alert = page.frameLocator(`iframe[name=${TOOL_FRAME_NAME}]`).getByRole("alert");
    await alert.filter({ hasText: "did not answer" }).waitFor({ timeout: 15_000 });
    await expect(alert.textContent()).resolves.toMatch(/lti\.put_data.*within 1\.5 s.*Open the assignment again from the course page/);
    expect((await storageLog(page)).map((m) => m.subject)).toEqual(["lti.put_data"]);
    expect(statusesSince(mark, "/lti/launch")).toEqual([]);
  }, TEST_TIMEOUT_MS);
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Frame, type Locator, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getExercise, solutionModule } from "../exercises/index.ts";
import { LTI_CLAIM } from "../server/lti/registration.ts";
import { CHROMIUM_ARGS, CHROMIUM_PATH, dispatchPaste, watchContext, type PageWatch } from "./helpers/browser-chromium.ts";
import { NEW_WINDOW_BUTTON, TOOL_FRAME_NAME } from "./helpers/lti-platform-course.ts";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, startServerProcess, tempDataDir, type ServerProcess } from "./helpers/server.ts";

const VIEWPORT = { width: 1366, height: 900 };
const GRADING_TIMEOUT_MS = 45_000;
const TEST_TIMEOUT_MS = 90_000;
const EXERCISE = getExercise("zero_pad");
const SIGNED_IN_STUDENT = /^Signed in as (lti-[0-9a-f]{20}) \(student\)$/;

/**
 * "Block third-party cookies" as a user sets it: the profile's cookie controls (1 = block third
 * party). On Chromium 156 the profile decides: with 0 in the same file the framed tool stores
 * cookies and gets sessionStorage, while `--test-third-party-cookie-phaseout` and CDP's
 * Network.setCookieControls change nothing. playwright's throwaway contexts happen to block them
 * too, being off the record; stated here, the setting does not hang on that. A persistent context
 * is the only way to hand Chromium a profile of our own.
 */
async function launchBlockingThirdPartyCookies(userDataDir: string): Promise<BrowserContext> {
  mkdirSync(join(userDataDir, "Default"), { recursive: true });
  const preferences = { profile: { cookie_controls_mode: 1, block_third_party_cookies: true } };
  writeFileSync(join(userDataDir, "Default", "Preferences"), JSON.stringify(preferences));
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, viewport: VIEWPORT });
}

let platform: TestPlatform;
let server: ServerProcess;
let data: ReturnType<typeof tempDataDir>;
let userDataDir: string;
let context: BrowserContext;
let watch: PageWatch;
/** Every response from the tool's origin, with all its headers (Set-Cookie included). */
const toolResponses: Promise<{ url: string; status: number; headers: Record<string, string> }>[] = [];

beforeAll(async () => {
  data = tempDataDir();
  platform = await startTestPlatform({
    toolJwksUrl: () => `${server.url}/.well-known/jwks.json`,
    toolLoginUrl: () => `${server.url}/lti/login`,
    toolLaunchUrl: () => `${server.url}/lti/launch`,
  });
  server = await startServerProcess(data.dir, { AUTOGRADE_LTI_FRAME_ANCESTORS: courseOrigin() });
  const registered = await client(server.url, KEYS.staff).post("/v1/lti/registrations", platform.registration);
  expect(registered.status, registered.text).toBe(201);

  userDataDir = mkdtempSync(join(tmpdir(), "autograde-chromium-profile-"));
  context = await launchBlockingThirdPartyCookies(userDataDir);
  watch = watchContext(context);
  context.on("page", (page) => watch.watch(page));
  context.on("response", (response) => {
    if (new URL(response.url()).origin !== server.url) return;
    toolResponses.push(response.allHeaders().then((headers) => ({ url: response.url(), status: response.status(), headers })));
  });
}, 90_000);

afterAll(async () => {
  await context?.close();
  if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  await platform?.close();
  await server?.stop();
  server?.cleanup();
  data?.remove();
});

/** The course page is served as localhost while the platform and the tool answer on 127.0.0.1: another site. */
function courseOrigin(): string {
  return `http://localhost:${new URL(platform.url).port}`;
}

function prepareStudentLaunch(sub: string): void {
  const claims = platform.launchClaims({ sub, [`${LTI_CLAIM}custom`]: { exercises: EXERCISE.id } });
  platform.prepareLaunch({ loginHint: sub, messageHint: `hint-for-${sub}`, claims });
}

/** What a page script sees when it writes a cookie: the cookie back when stored, "" when blocked. */
function writeProbeCookie(target: Page | Frame): Promise<string> {
  return target.evaluate(() => {
    const page = globalThis as unknown as { document: { cookie: string } };
    page.document.cookie = "autograde-probe=1; SameSite=None; Secure; Path=/";
    return page.document.cookie;
  });
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Signed in, or the first uncaught error of the page or its frames, whichever comes first, so a page
 * that dies at start fails with its error rather than a timeout. `problemsBefore` marks this test's share.
 */
async function signedInName(page: Page, who: Locator, problemsBefore: number): Promise<string> {
  const crashed = page.waitForEvent("pageerror").catch(() => undefined);
  await Promise.race([who.filter({ hasText: SIGNED_IN_STUDENT }).waitFor(), crashed]);
  expect(watch.problems.slice(problemsBefore), "the tool's page failed to start").toEqual([]);
  return SIGNED_IN_STUDENT.exec((await who.textContent()) ?? "")![1]!;
}

const isLocal = (url: string): boolean => /^(data|blob):/.test(url) || ["localhost", "127.0.0.1"].includes(new URL(url).hostname);

describe("an LTI launch in Chromium with third-party cookies blocked", () => {
  it("framed in the course page on another site: the student is signed in, submits, and the platform receives the score", async () => {
    const problemsBefore = watch.problems.length;
    prepareStudentLaunch("student-42");
    const page = await context.newPage();
    await page.goto(platform.courseUrl("student-42", { hostname: "localhost" }));
    const tool = page.frameLocator(`iframe[name=${TOOL_FRAME_NAME}]`);
    const studentName = await signedInName(page, tool.locator("#who"), problemsBefore);
    await tool.locator("#submission-status").filter({ hasText: "Loaded the starter module." }).waitFor();

    const frame = page.frame({ name: TOOL_FRAME_NAME })!;
    expect(new URL(frame.url()).origin).toBe(server.url);
    expect(new URL(frame.url()).hash, "the launch token is gone from the address").toBe("");
    expect(await writeProbeCookie(frame), "third-party cookies are blocked in the tool's frame").toBe("");
    const toolPage = (await Promise.all(toolResponses)).find((r) => r.url === `${server.url}/`)!;
    expect(toolPage.headers["content-security-policy"]?.split("; ")).toContain(`frame-ancestors ${courseOrigin()}`);

    const editor = tool.getByRole("textbox", { name: "Solution module, TypeScript" });
    await editor.click();
    await page.keyboard.press("ControlOrMeta+A");
    await dispatchPaste(editor, solutionModule([EXERCISE.id]));
    await tool.getByRole("button", { name: "Submit", exact: true }).click();
    await tool.getByText(/graded: [\d.]+\/[\d.]+\./).waitFor({ timeout: GRADING_TIMEOUT_MS });
    const badge = tool.locator(`[data-exercise="${EXERCISE.id}"] [data-testid="exercise-score"]`);
    await expect(badge.textContent()).resolves.toBe(`${EXERCISE.points}/${EXERCISE.points} · passed`);

    const score = await until("the score at the platform", () => platform.scores[0], GRADING_TIMEOUT_MS);
    expect(score.path).toBe("/lineitems/9/scores");
    expect(score.body).toMatchObject({ userId: "student-42", scoreGiven: EXERCISE.points, scoreMaximum: EXERCISE.points, gradingProgress: "FullyGraded" });
    const publications = await client(server.url, KEYS.staff).get(`/v1/lti/publications?student=${studentName}`);
    expect(publications.json.publications).toEqual([expect.objectContaining({ scoreGiven: EXERCISE.points, scoreMaximum: EXERCISE.points })]);

    // The frame has no storage, so a reload would sign out: the page offers a tab of its own, signed in as the same student.
    const opened = context.waitForEvent("page");
    await tool.getByRole("link", { name: "open autograde in a new tab" }).click();
    const tab = await opened;
    expect(await signedInName(tab, tab.locator("#who"), problemsBefore)).toBe(studentName);
    expect(new URL(tab.url()).hash, "the token left the new tab's address too").toBe("");
  }, TEST_TIMEOUT_MS);

  it("opened from the course page in a new window: the top-level page is signed in", async () => {
    const problemsBefore = watch.problems.length;
    prepareStudentLaunch("student-43");
    const page = await context.newPage();
    await page.goto(platform.courseUrl("student-43", { hostname: "localhost", presentation: "window" }));
    const opened = context.waitForEvent("page");
    await page.getByRole("button", { name: NEW_WINDOW_BUTTON }).click();
    const tab = await opened;
    await signedInName(tab, tab.locator("#who"), problemsBefore);
    await tab.locator("#submission-status").filter({ hasText: "Loaded the starter module." }).waitFor();
    await tab.getByRole("button", { name: "Submit", exact: true }).waitFor();
    expect(new URL(tab.url())).toMatchObject({ origin: server.url, hash: "" });
    // The control for the framed case: the same cookie write sticks where the tool is first party.
    expect(await writeProbeCookie(tab)).toContain("autograde-probe=1");
  }, TEST_TIMEOUT_MS);

  it("staff see the launched student under their LMS name, with the score sent to the LMS", async () => {
    const page = await context.newPage();
    await page.goto(`${server.url}/`);
    await page.getByLabel("API key").fill(KEYS.staff);
    await page.keyboard.press("Enter");
    // student-42 graded in the framed case; student-43 never submitted, so only one row.
    await page.getByRole("button", { name: /^Ada Lovelace \(lti-[0-9a-f]{20}\)$/ }).click();
    const sent = page.locator("table.publications tbody tr");
    await sent.first().waitFor();
    await expect(sent.count()).resolves.toBe(1);
    await expect(sent.first().textContent()).resolves.toMatch(new RegExp(`${EXERCISE.points}/${EXERCISE.points}.*published`));
  }, TEST_TIMEOUT_MS);

  it("the tool set no cookie and nothing left the machine", async () => {
    const responses = await Promise.all(toolResponses);
    const statusesOf = (path: string) => responses.filter((r) => new URL(r.url).pathname === path).map((r) => r.status);
    expect(statusesOf("/lti/login")).toEqual([302, 302]);
    expect(statusesOf("/lti/launch")).toEqual([303, 303]);
    expect(responses.filter((r) => "set-cookie" in r.headers).map((r) => r.url)).toEqual([]);
    expect(watch.requests.filter((url) => !isLocal(url))).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEW_WINDOW_BUTTON, TOOL_FRAME_NAME } from "./lti-platform-course.ts";
import { parseAutoPostForm } from "./lti-platform-forms.ts";
import { startTestPlatform, type TestPlatform } from "./lti-platform.ts";

const TOOL_LOGIN = "http://127.0.0.1:9/lti/login";
const TOOL_LAUNCH = "http://127.0.0.1:9/lti/launch";

describe("the test platform's course page", () => {
  let platform: TestPlatform;
  let toolless: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ toolJwks: () => ({ keys: [] }), toolLoginUrl: TOOL_LOGIN, toolLaunchUrl: () => TOOL_LAUNCH });
    toolless = await startTestPlatform({ toolJwks: () => ({ keys: [] }) });
    platform.prepareLaunch({ loginHint: "student-1", messageHint: "hint-1", claims: platform.launchClaims() });
  });

  afterAll(async () => {
    await platform?.close();
    await toolless?.close();
  });

  it("framed: posts the login initiation into the tool iframe, from under another host name", async () => {
    const url = platform.courseUrl("student-1", { hostname: "localhost" });
    expect(new URL(url).hostname).toBe("localhost");
    const response = await fetch(platform.courseUrl("student-1"));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(parseAutoPostForm(html)).toEqual({
      action: TOOL_LOGIN,
      method: "post",
      fields: platform.loginInitiation(TOOL_LOGIN, { loginHint: "student-1", messageHint: "hint-1", targetLinkUri: TOOL_LAUNCH }).form,
    });
    expect(html).toContain(`target="${TOOL_FRAME_NAME}"`);
    expect(html).toMatch(new RegExp(`<iframe name="${TOOL_FRAME_NAME}" title="autograde"`));
    expect(html).not.toContain(NEW_WINDOW_BUTTON);
  });

  it("presentation=window: a button posting into a new window, no iframe", async () => {
    const html = await (await fetch(platform.courseUrl("student-1", { presentation: "window" }))).text();
    expect(html).toContain('target="_blank"');
    expect(html).toContain(NEW_WINDOW_BUTTON);
    expect(html).not.toContain("<iframe");
  });

  it.each([
    { name: "login_hint never prepared", path: "/course?login_hint=nobody", status: 404, message: /no launch prepared for login_hint "nobody"/ },
    { name: "login_hint missing", path: "/course", status: 400, message: /login_hint is required/ },
    { name: "presentation=popup", path: "/course?login_hint=student-1&presentation=popup", status: 400, message: /presentation must be iframe or window/ },
  ])("refuses: $name", async ({ path, status, message }) => {
    const response = await fetch(`${platform.url}${path}`);
    expect(response.status).toBe(status);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(message);
  });

  it("refuses when started without the tool's URLs", async () => {
    const response = await fetch(toolless.courseUrl("student-1"));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error_description: string }).error_description).toMatch(/toolLoginUrl and toolLaunchUrl/);
  });
});

/** Deep linking end to end against the real test platform (the unit tests are in deep-linking.test.ts). */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXERCISE_IDS } from "../../exercises/types.ts";
import { parseAutoPostForm, startTestPlatform, type TestPlatform } from "../../tests/helpers/lti-platform.ts";
import {
  buildDeepLinkingResponse,
  parseExercisesCustom,
  signDeepLinkContext,
  verifyDeepLinkContext,
  type DeepLinkContext,
} from "./deep-linking.ts";
import { buildLoginRedirect, createJwksResolver, verifyLaunch } from "./launch.ts";
import { autoPostPage, deepLinkChoicePage } from "./pages.ts";
import { LTI_CLAIM } from "./registration.ts";
import { deepLinkContext, deepLinkItem, LAUNCH_URL } from "./deep-linking-fixtures.ts";
import { createToolKeys, type ToolKeys } from "./tool-keys.ts";

let toolKeys: ToolKeys;
let strangerKeys: ToolKeys;

beforeAll(async () => {
  [toolKeys, strangerKeys] = await Promise.all([createToolKeys(), createToolKeys()]);
});

const context = deepLinkContext;
const item = deepLinkItem;

const postForm = (action: string, fields: Record<string, string>) => fetch(action, { method: "POST", body: new URLSearchParams(fields) });

describe("deep linking with a platform", () => {
  let platform: TestPlatform;
  beforeEach(async () => {
    platform = await startTestPlatform({ toolJwks: () => toolKeys.jwks() });
  });
  afterEach(() => platform.close());

  const platformContext = (overrides: Partial<DeepLinkContext> = {}) =>
    context({ issuer: platform.url, deepLinkReturnUrl: platform.deepLinkReturnUrl, ...overrides });

  it("runs login, choice, response and a student's launch of the created link end to end", async () => {
    platform.prepareLaunch({ loginHint: "teacher-1", messageHint: "dl+hint/=", claims: platform.deepLinkingClaims({ data: "dl-data-1" }) });
    const initiation = new URL(platform.loginInitiation("https://autograde.example/lti/login", { loginHint: "teacher-1", messageHint: "dl+hint/=", targetLinkUri: LAUNCH_URL }).url);
    const params = initiation.searchParams;
    const authUrl = buildLoginRedirect({
      registration: platform.registration,
      loginHint: params.get("login_hint")!,
      ltiMessageHint: params.get("lti_message_hint")!,
      targetLinkUri: params.get("target_link_uri")!,
      state: "state-1",
      nonce: "nonce-dl",
    });
    const authPage = await fetch(authUrl);
    expect(authPage.status).toBe(200);
    const posted = parseAutoPostForm(await authPage.text());
    expect(posted).toMatchObject({ action: LAUNCH_URL, method: "post", fields: { state: "state-1" } });
    const launch = await verifyLaunch({ idToken: posted.fields.id_token!, registration: platform.registration, expectedNonce: "nonce-dl", fetchJwks: createJwksResolver() });
    expect(launch).toMatchObject({ ok: true, launch: { messageType: "LtiDeepLinkingRequest", deepLinkReturnUrl: platform.deepLinkReturnUrl } });

    const choice = deepLinkChoicePage({
      action: "https://autograde.example/lti/deep-link",
      contextToken: await signDeepLinkContext(toolKeys, platformContext({ data: "dl-data-1" }), { expiresInSeconds: 600 }),
      choices: [{ value: "zero_pad,conv_forward", label: "Padding and forward convolution", points: 30 }],
      frameAncestors: [platform.url],
    });
    const chosen = parseAutoPostForm(choice.html).fields;
    const verified = await verifyDeepLinkContext(toolKeys, chosen.context!);
    const selection = parseExercisesCustom(chosen.exercises, EXERCISE_IDS);
    if (!verified.ok || !selection.ok) throw new Error("context or selection refused");
    const jwt = await buildDeepLinkingResponse({ toolKeys, ctx: verified.ctx, items: [item({ exercises: selection.exercises })] });
    const back = parseAutoPostForm(autoPostPage({ action: verified.ctx.deepLinkReturnUrl, fields: { JWT: jwt }, title: "Returning to the course" }).html);

    expect((await postForm(back.action, back.fields)).status).toBe(200);
    expect(platform.deepLinkResponses).toMatchObject([{ ok: true }]);
    expect(platform.lineItems).toEqual([
      expect.objectContaining({ label: "Padding and convolution", scoreMaximum: 30, resourceId: "autograde:zero_pad,conv_forward", tag: "autograde" }),
    ]);
    const lineItem = await fetch(platform.lineItems[0]!.id);
    expect(await lineItem.json()).toMatchObject({ scoreMaximum: 30, label: "Padding and convolution" });

    const studentToken = await platform.signIdToken(platform.resourceLinkClaims(0));
    const studentLaunch = await verifyLaunch({ idToken: studentToken, registration: platform.registration, expectedNonce: "nonce-1", fetchJwks: createJwksResolver() });
    expect(studentLaunch.ok && studentLaunch.launch.ags?.lineitem).toBe(platform.lineItems[0]!.id);
    const custom = decodeJwt(studentToken)[`${LTI_CLAIM}custom`] as Record<string, unknown>;
    expect(parseExercisesCustom(custom.exercises, EXERCISE_IDS)).toEqual({ ok: true, exercises: ["zero_pad", "conv_forward"] });
  });

  it("refuses a response signed by a key not in the tool's JWKS and creates nothing", async () => {
    const jwt = await buildDeepLinkingResponse({ toolKeys: strangerKeys, ctx: platformContext(), items: [item()] });
    const response = await postForm(platform.deepLinkReturnUrl, { JWT: jwt });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ check: "signature" });
    expect(platform.lineItems).toEqual([]);
  });

  it.each([
    ["aud = another platform", { issuer: "https://other-lms.example" }, "aud"],
    ["iss = another client", { clientId: "someone-else" }, "iss"],
    ["an unknown deployment", { deploymentId: "deployment-9" }, "deployment_id"],
    ["data the platform never sent", { data: "forged" }, "data"],
  ])("the platform refuses a response with %s", async (_name, overrides, check) => {
    const jwt = await buildDeepLinkingResponse({ toolKeys, ctx: platformContext(overrides), items: [item()] });
    const response = await postForm(platform.deepLinkReturnUrl, { JWT: jwt });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ check });
  });

  it("creates one line item per chosen item when the platform accepts several, and refuses a replay", async () => {
    const ctx = platformContext({ acceptMultiple: true });
    const jwt = await buildDeepLinkingResponse({ toolKeys, ctx, items: [item(), item({ title: "Everything", scoreMaximum: 100, exercises: null })] });
    expect((await postForm(platform.deepLinkReturnUrl, { JWT: jwt })).status).toBe(200);
    expect(platform.lineItems.map((li) => li.scoreMaximum)).toEqual([30, 100]);
    expect(platform.resourceLinks.map((link) => link.custom)).toEqual([{ exercises: "zero_pad,conv_forward" }, { exercises: "all" }]);
    const replay = await postForm(platform.deepLinkReturnUrl, { JWT: jwt });
    expect(await replay.json()).toMatchObject({ check: "nonce" });
    expect(platform.lineItems).toHaveLength(2);
  });

  it("reads the tool's keys from a live JWKS URL when given one", async () => {
    const jwksServer = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(toolKeys.jwks())));
    await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
    const remote = await startTestPlatform({ toolJwksUrl: () => `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks` });
    try {
      const ctx = context({ issuer: remote.url, deepLinkReturnUrl: remote.deepLinkReturnUrl });
      const good = await buildDeepLinkingResponse({ toolKeys, ctx, items: [item()] });
      const forged = await buildDeepLinkingResponse({ toolKeys: strangerKeys, ctx, items: [item()] });
      expect((await postForm(remote.deepLinkReturnUrl, { JWT: good })).status).toBe(200);
      expect((await postForm(remote.deepLinkReturnUrl, { JWT: forged })).status).toBe(400);
      expect(remote.lineItems).toHaveLength(1);
    } finally {
      await remote.close();
      await new Promise((resolve) => jwksServer.close(resolve));
    }
  });

  it.each([
    ["scope=profile", { scope: "profile" }, "scope"],
    ["prompt=login", { prompt: "login" }, "prompt"],
    ["login_hint never prepared", { login_hint: "nobody" }, "login_hint"],
    ["lti_message_hint altered", { lti_message_hint: "hint-2" }, "lti_message_hint"],
    ["state missing", { state: null }, "state"],
    ["redirect_uri not a URL", { redirect_uri: "javascript:alert(1)" }, "redirect_uri"],
  ])("/auth refuses %s", async (_name, change, check) => {
    platform.prepareLaunch({ loginHint: "student-42", messageHint: "hint-1", claims: platform.launchClaims() });
    const url = new URL(buildLoginRedirect({ registration: platform.registration, loginHint: "student-42", ltiMessageHint: "hint-1", targetLinkUri: LAUNCH_URL, state: "s", nonce: "n" }));
    for (const [name, value] of Object.entries(change)) {
      if (value === null) url.searchParams.delete(name);
      else url.searchParams.set(name, value);
    }
    const response = await fetch(url);
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ check });
    expect(platform.authRequests).toMatchObject([{ ok: false, error: check }]);
  });
});


import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAutoPostForm } from "./helpers/lti-platform-forms.ts";
import { parseToolStoragePage, STORAGE_FRAME_NAME } from "./helpers/lti-platform-storage.ts";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, STORAGES, useServer } from "./helpers/server.ts";

/**
 * Login CSRF: an attacker who runs a login in their own browser and makes a victim's browser post
 * the resulting id_token and state must not sign the victim in. Where the platform offers postMessage
 * storage (`lti_storage_target`), the login is bound to the browser that started it; these tests play
 * the browser over HTTP (the script's part is in tests/browser-lti-storage.test.ts).
 */
const postForm = (url: string, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", body: new URLSearchParams(fields), headers, redirect: "manual" });

describe.each(STORAGES)("LTI login bound to the platform's storage (%s)", (storageKind) => {
  const served = useServer(storageKind);
  let platform: TestPlatform;
  const sameOrigin = () => ({ origin: served.url, "sec-fetch-site": "same-origin" });

  beforeAll(async () => {
    platform = await startTestPlatform({ toolJwksUrl: `${served.url}/.well-known/jwks.json`, redirectUris: [`${served.url}/lti/launch`] });
    expect((await served.client(KEYS.staff).post("/v1/lti/registrations", platform.registration)).status).toBe(201);
  });

  afterAll(async () => {
    await platform?.close();
  });

  /**
   * A login with storage up to the platform's post of the id_token to /lti/launch: what the login page
   * would put into the LMS window, and the launch page's answer.
   */
  async function boundLogin(loginHint: string) {
    platform.prepareLaunch({ loginHint, claims: platform.launchClaims({ sub: loginHint }) });
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint, targetLinkUri: `${served.url}/lti/launch`, storageTarget: STORAGE_FRAME_NAME });
    const login = await fetch(initiation.url, { redirect: "manual" });
    expect(login.status).toBe(200);
    const put = parseToolStoragePage(await login.text());
    const state = new URL(put.authUrl!).searchParams.get("state")!;
    expect(put).toMatchObject({ step: "put", platformOrigin: platform.url, target: STORAGE_FRAME_NAME, key: `autograde_state_${state}`, value: expect.any(String) });
    expect(put.value).not.toBe(state);

    const auth = await fetch(put.authUrl!);
    expect(auth.status).toBe(200);
    const posted = parseAutoPostForm(await auth.text());
    const launch = await postForm(posted.action, posted.fields);
    return { stored: put.value!, posted: posted.fields, launch };
  }

  /** The launch page's continuation form, as its script would submit it with `value` read back. */
  async function continuation(launch: Response, value: string | undefined) {
    expect(launch.status).toBe(200);
    const html = await launch.text();
    const get = parseToolStoragePage(html);
    const form = parseAutoPostForm(html);
    expect(form.action).toBe(`${served.url}/lti/launch/continue`);
    expect(get).toMatchObject({ step: "get", platformOrigin: platform.url, target: STORAGE_FRAME_NAME, key: `autograde_state_${form.fields.state}` });
    const { lti_storage_value: _empty, ...fields } = form.fields;
    return { action: form.action, fields: value === undefined ? fields : { ...fields, lti_storage_value: value } };
  }

  const expectRefused = async (response: Response, reason: string) => {
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ error: "lti_launch_refused", details: { reason } });
  };

  it("completes through the launch page's continuation with the value read back, and logs the binding", async () => {
    const { stored, launch } = await boundLogin("student-s1");
    const next = await continuation(launch, stored);
    const done = await postForm(next.action, next.fields, sameOrigin());
    expect(done.status).toBe(303);
    const token = /^\/#launch=(lti_[A-Za-z0-9_-]+)$/.exec(done.headers.get("location") ?? "")?.[1];
    expect((await client(served.url, token!).get("/v1/me")).json).toMatchObject({ role: "student" });
    expect(served.server.logs.some((line) => line.includes('"stateBinding":"platform_storage"'))).toBe(true);
    // Single use, as without storage.
    await expectRefused(await postForm(next.action, next.fields, sameOrigin()), "unknown_state");
  });

  it("an attacker's id_token and state posted straight to /lti/launch in a victim's browser open no session", async () => {
    const { posted } = await boundLogin("attacker-1");
    const forged = await postForm(`${served.url}/lti/launch`, posted);
    expect(forged.status, "a session would be a 303 to /#launch=").toBe(200);
    expect(forged.headers.get("location")).toBeNull();
    expect(forged.headers.get("content-security-policy")).toMatch(/script-src 'nonce-[^']+'/);
  });

  it("refused when the value read back is missing or different: the victim's LMS window never stored it", async () => {
    const missing = await boundLogin("attacker-2");
    const withoutValue = await continuation(missing.launch, undefined);
    await expectRefused(await postForm(withoutValue.action, withoutValue.fields, sameOrigin()), "platform_storage_mismatch");
    // The refused attempt used the state up: not even the right value completes it now.
    await expectRefused(await postForm(withoutValue.action, { ...withoutValue.fields, lti_storage_value: missing.stored }, sameOrigin()), "unknown_state");

    const other = await boundLogin("attacker-3");
    const wrong = await continuation(other.launch, `${other.stored}x`);
    await expectRefused(await postForm(wrong.action, wrong.fields, sameOrigin()), "platform_storage_mismatch");
  });

  it("refused when the continuation comes from another site, even with the right value (the attacker knows it)", async () => {
    const { stored, launch } = await boundLogin("attacker-4");
    const next = await continuation(launch, stored);
    await expectRefused(await postForm(next.action, next.fields, { origin: "https://attacker.example", "sec-fetch-site": "cross-site" }), "cross_site_continuation");
    await expectRefused(await postForm(next.action, next.fields), "cross_site_continuation");
    // Those were turned away before the state was looked up, so the real page can still finish.
    expect((await postForm(next.action, next.fields, sameOrigin())).status).toBe(303);
  });

  it("a login without lti_storage_target is today's flow: a redirect, a direct launch, logged as unbound", async () => {
    platform.prepareLaunch({ loginHint: "student-s2", claims: platform.launchClaims({ sub: "student-s2" }) });
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint: "student-s2", targetLinkUri: `${served.url}/lti/launch` });
    const login = await fetch(initiation.url, { redirect: "manual" });
    expect(login.status).toBe(302);
    const posted = parseAutoPostForm(await (await fetch(login.headers.get("location")!)).text());
    const launch = await postForm(posted.action, posted.fields);
    expect(launch.status).toBe(303);
    expect(served.server.logs.some((line) => line.includes('"stateBinding":"none"'))).toBe(true);
    // An unbound state cannot be pushed through the continuation either.
    const again = await fetch(initiation.url, { redirect: "manual" });
    const second = parseAutoPostForm(await (await fetch(again.headers.get("location")!)).text());
    await expectRefused(await postForm(`${served.url}/lti/launch/continue`, { ...second.fields, lti_storage_value: "anything" }, sameOrigin()), "state_not_bound");
  });
});

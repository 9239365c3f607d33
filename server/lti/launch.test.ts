import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildLoginRedirect, createJwksResolver, verifyLaunch } from "./launch.ts";
import { LTI_CLAIM } from "./registration.ts";
import { startTestPlatform, type TestPlatform } from "../../tests/helpers/lti-platform.ts";

let platform: TestPlatform;
const fetchJwks = createJwksResolver();

beforeAll(async () => {
  platform = await startTestPlatform({ toolJwks: () => ({ keys: [] }) });
});
afterAll(() => platform.close());

const verify = (idToken: string, expectedNonce = "nonce-1") =>
  verifyLaunch({ idToken, registration: platform.registration, expectedNonce, fetchJwks });

describe("verifyLaunch against a platform's JWKS endpoint", () => {
  it("accepts a good resource link launch and exposes the user key and AGS endpoint", async () => {
    const result = await verify(await platform.signIdToken(platform.launchClaims()));
    expect(result).toEqual({
      ok: true,
      launch: {
        userKey: `${platform.url}#student-42`,
        issuer: platform.url,
        subject: "student-42",
        deploymentId: "deployment-1",
        messageType: "LtiResourceLinkRequest",
        targetLinkUri: "https://autograde.example/lti/launch",
        resourceLinkId: "link-7",
        contextId: "course-3",
        contextTitle: null,
        roles: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        name: "Ada Lovelace",
        email: null,
        ags: {
          lineitem: `${platform.url}/lineitems/9`,
          lineitems: `${platform.url}/lineitems`,
          scope: ["https://purl.imsglobal.org/spec/lti-ags/scope/score"],
        },
        deepLinkReturnUrl: null,
        deepLinkData: null,
        custom: {},
      },
    });
  });

  it("passes string custom parameters through and drops non-string ones", async () => {
    const claims = platform.launchClaims({ "https://purl.imsglobal.org/spec/lti/claim/custom": { exercises: "zero_pad,conv_forward", weight: 3 } });
    const result = await verify(await platform.signIdToken(claims));
    expect(result.ok && result.launch.custom).toEqual({ exercises: "zero_pad,conv_forward" });
  });

  it.each([
    [{ id: "c", title: "  CNN 2026 ", label: "CNN" }, "CNN 2026"],
    [{ id: "c", label: "CNN-A" }, "CNN-A"],
    [{ id: "c", title: "   " }, null],
  ])("takes the context's title, else its label, for the course name (%j)", async (context, title) => {
    const result = await verify(await platform.signIdToken(platform.launchClaims({ "https://purl.imsglobal.org/spec/lti/claim/context": context })));
    expect(result.ok && result.launch.contextTitle).toBe(title);
  });

  it("accepts a deep linking request and several audiences when azp names the tool", async () => {
    const claims = platform.launchClaims({
      aud: ["other-tool", platform.registration.clientId],
      azp: platform.registration.clientId,
      [`${LTI_CLAIM}message_type`]: "LtiDeepLinkingRequest",
      [`${LTI_CLAIM}resource_link`]: undefined,
      "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings": { deep_link_return_url: `${platform.url}/dl/return` },
    });
    const result = await verify(await platform.signIdToken(claims));
    expect(result.ok && result.launch.deepLinkReturnUrl).toBe(`${platform.url}/dl/return`);
  });

  const now = Math.floor(Date.now() / 1000);
  it.each([
    ["signed by a key not in the JWKS", {}, { signWith: "stranger" as const }, "bad_signature"],
    ["iss=another platform", { iss: "https://evil.example" }, {}, "wrong_issuer"],
    ["aud=another tool", { aud: "other-tool" }, {}, "wrong_audience"],
    ["aud=[other, tool] without azp", { aud: ["other-tool", "autograde-client"] }, {}, "wrong_azp"],
    ["aud=[other, tool] azp=other", { aud: ["other-tool", "autograde-client"], azp: "other-tool" }, {}, "wrong_azp"],
    ["exp 10 minutes ago", {}, { issuedAt: now - 900, expiresInSeconds: 300 }, "expired"],
    ["iat 10 minutes ahead", {}, { issuedAt: now + 600 }, "issued_in_future"],
    ["nonce=another login's", { nonce: "nonce-other" }, {}, "wrong_nonce"],
    ["deployment_id unknown", { [`${LTI_CLAIM}deployment_id`]: "deployment-9" }, {}, "unknown_deployment"],
    ["version=1.1", { [`${LTI_CLAIM}version`]: "1.1" }, {}, "wrong_version"],
    ["message_type=LtiSubmissionReviewRequest", { [`${LTI_CLAIM}message_type`]: "LtiSubmissionReviewRequest" }, {}, "wrong_message_type"],
    ["resource link without resource_link", { [`${LTI_CLAIM}resource_link`]: undefined }, {}, "missing_claim"],
    ["no deployment_id", { [`${LTI_CLAIM}deployment_id`]: undefined }, {}, "missing_claim"],
    ["no nonce", { nonce: undefined }, {}, "missing_claim"],
  ])("refuses %s", async (_name, overrides, signOptions, reason) => {
    const result = await verify(await platform.signIdToken(platform.launchClaims(overrides), signOptions));
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok === false && result.message.length).toBeGreaterThan(0);
  });

  it("refuses a replay: a token already used is checked against the next login's nonce", async () => {
    const token = await platform.signIdToken(platform.launchClaims({ nonce: "login-A" }));
    expect((await verify(token, "login-A")).ok).toBe(true);
    expect(await verify(token, "login-B")).toMatchObject({ ok: false, reason: "wrong_nonce" });
  });

  it("refuses a token whose signature was tampered with, without throwing", async () => {
    const [header, , signature] = (await platform.signIdToken(platform.launchClaims())).split(".");
    const forgedBody = Buffer.from(JSON.stringify(platform.launchClaims({ sub: "teacher" }))).toString("base64url");
    expect(await verify(`${header}.${forgedBody}.${signature}`)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it.each([["empty", ""], ["garbage", "not.a.jwt"], ["two parts", "abc.def"]])("refuses a malformed token: %s", async (_n, token) => {
    expect(await verify(token)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("throws, rather than blaming the token, when the platform's JWKS is unreachable", async () => {
    const registration = { ...platform.registration, jwksUrl: `${platform.url}/missing-jwks` };
    const idToken = await platform.signIdToken(platform.launchClaims());
    await expect(verifyLaunch({ idToken, registration, expectedNonce: "nonce-1", fetchJwks })).rejects.toThrow();
  });
});

describe("buildLoginRedirect", () => {
  it("builds the OIDC auth request, keeping the platform's own query and passing the message hint back unaltered", () => {
    const hint = "opaque+hint/with=chars&more";
    const url = new URL(
      buildLoginRedirect({
        registration: platform.registration,
        loginHint: "user-1",
        ltiMessageHint: hint,
        targetLinkUri: "https://autograde.example/lti/launch",
        state: "state-1",
        nonce: "nonce-1",
      }),
    );
    expect(`${url.origin}${url.pathname}`).toBe(`${platform.url}/auth`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: "t1",
      scope: "openid",
      response_type: "id_token",
      response_mode: "form_post",
      prompt: "none",
      client_id: "autograde-client",
      redirect_uri: "https://autograde.example/lti/launch",
      login_hint: "user-1",
      lti_message_hint: hint,
      state: "state-1",
      nonce: "nonce-1",
    });
  });

  it("omits lti_message_hint when the platform sent none, and rejects an empty state", () => {
    const base = { registration: platform.registration, loginHint: "u", targetLinkUri: "https://t.example/l", state: "s", nonce: "n" };
    expect(new URL(buildLoginRedirect(base)).searchParams.has("lti_message_hint")).toBe(false);
    expect(() => buildLoginRedirect({ ...base, state: "" })).toThrow(/state must not be empty/);
  });
});

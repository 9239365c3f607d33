import { decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LTI_CLAIM } from "../server/lti/registration.ts";
import { parseAutoPostForm } from "./helpers/lti-platform-forms.ts";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, STORAGES, useServer } from "./helpers/server.ts";
import { distributeSolution } from "./helpers/server-sources.ts";

/**
 * The platform caches the tool's keyset and will not refetch it within its cooldown; the tool's
 * activation delay outlasts that, as the default (120 s) outlasts jose's 30 s and our max-age=60.
 */
const PLATFORM_JWKS_COOLDOWN_MS = 1000;
const KEY_ACTIVATION_DELAY_MS = 3000;
const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
const brokenDistribute = "export function distribute_value(dz: number, shape: number[]): never { throw new Error(\"not written yet\"); }";

/** Posts a form the way a browser submits an auto-post page, without following the answer's redirect. */
const postForm = (url: string, fields: Record<string, string>) =>
  fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(STORAGES)("LTI 1.3 against a real platform (%s)", (storageKind) => {
  const served = useServer(storageKind, { AUTOGRADE_LTI_PUBLISH_INITIAL_BACKOFF_MS: "50", AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS: String(KEY_ACTIVATION_DELAY_MS) });
  const staff = served.client(KEYS.staff);
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ toolJwksUrl: `${served.url}/.well-known/jwks.json`, toolJwksCooldownMs: PLATFORM_JWKS_COOLDOWN_MS, redirectUris: [`${served.url}/lti/launch`] });
    const registered = await staff.post("/v1/lti/registrations", platform.registration);
    expect(registered.status).toBe(201);
  });

  afterAll(async () => {
    await platform?.close();
  });

  /** Plays the browser: the LMS's login initiation, the tool's redirect to the platform, the platform's auto-post. */
  async function launch(loginHint: string, claims: Record<string, unknown>): Promise<Response> {
    platform.prepareLaunch({ loginHint, messageHint: `hint-for-${loginHint}`, claims });
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint, messageHint: `hint-for-${loginHint}`, targetLinkUri: `${served.url}/lti/launch` });
    const login = await fetch(initiation.url, { redirect: "manual" });
    expect(login.status).toBe(302);
    const auth = await fetch(login.headers.get("location")!);
    expect(auth.status).toBe(200);
    const form = parseAutoPostForm(await auth.text());
    expect(form.action).toBe(`${served.url}/lti/launch`);
    return postForm(form.action, form.fields);
  }

  /** A login whose id_token the test forges itself: the state and nonce the tool issued. */
  async function loginOnly(): Promise<{ state: string; nonce: string }> {
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint: "forger", targetLinkUri: `${served.url}/lti/launch` });
    const login = await postForm(`${served.url}/lti/login`, initiation.form);
    expect(login.status).toBe(302);
    const redirect = new URL(login.headers.get("location")!);
    return { state: redirect.searchParams.get("state")!, nonce: redirect.searchParams.get("nonce")! };
  }

  /** An instructor's deep linking, choosing `exercises`; returns the kid that signed the response the platform accepted. */
  async function deepLink(teacher: string, exercises: string): Promise<string> {
    const deepLinking = await launch(teacher, platform.deepLinkingClaims({ data: "opaque-platform-data", overrides: { sub: teacher, [`${LTI_CLAIM}roles`]: [INSTRUCTOR] } }));
    expect(deepLinking.status).toBe(200);
    const choice = parseAutoPostForm(await deepLinking.text());
    expect(choice.action).toBe(`${served.url}/lti/deep-link`);
    const picked = await postForm(choice.action, { ...choice.fields, exercises });
    expect(picked.status).toBe(200);
    const back = parseAutoPostForm(await picked.text());
    expect(back.action).toBe(platform.deepLinkReturnUrl);
    const returned = await postForm(back.action, back.fields);
    expect(returned.status).toBeLessThan(300);
    expect(platform.deepLinkResponses.at(-1)).toMatchObject({ ok: true });
    return decodeProtectedHeader(back.fields.JWT!).kid!;
  }

  const jwksKids = async () => ((await (await fetch(`${served.url}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

  const tokenFrom = (response: Response): string => {
    expect(response.status).toBe(303);
    // The fragment may name the link's course and assignment after the token (tests/lti-courses.test.ts).
    const token = /^\/#launch=(lti_[A-Za-z0-9_-]+)(?:&course=[^&]+&assignment=[^&]+)?$/.exec(response.headers.get("location") ?? "")?.[1];
    if (!token) throw new Error(`no launch token in ${response.headers.get("location")}`);
    return token;
  };

  it("the tool's JWKS and configuration are what an LMS admin needs", async () => {
    const jwks = (await (await fetch(`${served.url}/.well-known/jwks.json`)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: expect.any(String) });
    expect(jwks.keys[0]?.d).toBeUndefined();
    const tool = await staff.get("/v1/lti/tool");
    expect(tool.json).toMatchObject({ loginUrl: `${served.url}/lti/login`, launchUrl: `${served.url}/lti/launch`, jwksUrl: `${served.url}/.well-known/jwks.json` });
  });

  it("deep linking -> line item with scoreMaximum -> student launch -> submit -> score received by the platform", async () => {
    await deepLink("teacher-1", "distribute_value");
    expect(platform.deepLinkResponses.at(-1)?.payload?.["https://purl.imsglobal.org/spec/lti-dl/claim/data"]).toBe("opaque-platform-data");
    expect(platform.lineItems).toHaveLength(1);
    expect(platform.lineItems[0]).toMatchObject({ scoreMaximum: 5 });
    // The link names the assignment deep linking created in the context's course.
    expect(platform.resourceLinks[0]?.custom).toEqual({ exercises: "distribute_value", course: expect.stringMatching(/^lti-/), assignment: expect.stringMatching(/^lti-/) });

    const studentLaunch = await launch("student-42", platform.resourceLinkClaims(0, { sub: "student-42" }));
    const token = tokenFrom(studentLaunch);
    // Inside the launch the page submits to the link's assignment, named in the fragment.
    const fragment = new URLSearchParams(studentLaunch.headers.get("location")!.slice(2));
    const scope = { course: fragment.get("course")!, assignment: fragment.get("assignment")! };
    expect(scope.course).toMatch(/^lti-/);
    const student = client(served.url, token);
    const me = await student.get("/v1/me");
    expect(me.json).toEqual({ role: "student", name: expect.stringMatching(/^lti-[0-9a-f]{20}$/), origin: "lti" });

    const graded = await student.post("/v1/submissions?wait=true", { source: distributeSolution, exercises: ["distribute_value"], ...scope });
    expect(graded.status).toBe(200);
    expect(graded.json.report.score).toBe(5);
    const score = await until("the score at the platform", () => platform.scores[0]);
    expect(score.contentType).toBe("application/vnd.ims.lis.v1.score+json");
    expect(score.path).toBe(`${new URL(platform.lineItems[0]!.id).pathname}/scores`);
    expect(score.body).toMatchObject({ userId: "student-42", scoreGiven: 5, scoreMaximum: 5, activityProgress: "Completed", gradingProgress: "FullyGraded" });
    expect(new Date((score.body as { timestamp: string }).timestamp).toISOString()).toBe((score.body as { timestamp: string }).timestamp);

    const publications = await until("the publication to be recorded", async () => {
      const r = await staff.get(`/v1/lti/publications?student=${me.json.name}`);
      return r.json.publications?.[0]?.state === "published" ? r.json.publications : undefined;
    });
    expect(publications[0]).toMatchObject({ submissionId: graded.json.id, scoreGiven: 5, scoreMaximum: 5, attempts: 1 });

    // A worse submission later: the best score (the default policy) is published again, after a 500 retried.
    platform.scriptScoreStatuses([500]);
    const worse = await student.post("/v1/submissions?wait=true", { source: brokenDistribute, exercises: ["distribute_value"], ...scope });
    expect(worse.json.report.score).toBe(0);
    const second = await until("the second score", () => platform.scores[1]);
    expect(second.body).toMatchObject({ userId: "student-42", scoreGiven: 5, scoreMaximum: 5 });
    const retried = await until("the retried publication", async () => {
      const r = await staff.get(`/v1/lti/publications?submission=${worse.json.id}`);
      return r.json.publications?.[0]?.state === "published" ? r.json.publications[0] : undefined;
    });
    expect(retried.attempts).toBe(2);
  });

  it("key rotation: the new key is published at once, signs after the activation delay, and the old one can then be retired", async () => {
    const oldKid = (await staff.get("/v1/lti/tool")).json.currentKid as string;
    const rotated = await staff.post("/v1/lti/keys/rotate", {});
    expect(rotated.status).toBe(200);
    const newKid = rotated.json.newKid as string;
    expect(await jwksKids()).toEqual([oldKid, newKid]);
    // Platforms may still hold the old keyset: until the delay passes, the old key signs.
    expect((await staff.get("/v1/lti/tool")).json).toMatchObject({ currentKid: oldKid, nextKid: newKid });
    expect(await deepLink("teacher-3", "zero_pad")).toBe(oldKid);
    expect((await staff.delete(`/v1/lti/keys/${oldKid}`)).status).toBe(409);

    await until("the new key to sign", async () => ((await staff.get("/v1/lti/tool")).json.currentKid === newKid ? true : undefined), KEY_ACTIVATION_DELAY_MS + 10_000);
    expect(await deepLink("teacher-3", "zero_pad")).toBe(newKid);
    // A fresh AGS token is asked for with an assertion signed by the new key, and the platform accepts it.
    platform.revokeTokens();
    const student = client(served.url, tokenFrom(await launch("student-88", platform.launchClaims({ sub: "student-88" }))));
    const scoresBefore = platform.scores.length;
    await student.post("/v1/submissions?wait=true", { source: distributeSolution, exercises: ["distribute_value"] });
    await until("the score after rotation", () => platform.scores[scoresBefore]);
    expect(platform.tokenRequests.at(-1)).toMatchObject({ ok: true, kid: newKid });

    expect((await staff.delete(`/v1/lti/keys/${oldKid}`)).status).toBe(200);
    expect(await jwksKids()).toEqual([newKid]);
  });

  it("an instructor's launch opens a staff session; a student's cannot reach staff routes", async () => {
    const teacher = client(served.url, tokenFrom(await launch("teacher-2", platform.launchClaims({ sub: "teacher-2", [`${LTI_CLAIM}roles`]: [INSTRUCTOR] }))));
    expect((await teacher.get("/v1/me")).json.role).toBe("staff");
    expect((await teacher.get("/v1/gradebook")).status).toBe(200);
    const learner = client(served.url, tokenFrom(await launch("student-7", platform.launchClaims({ sub: "student-7" }))));
    expect((await learner.get("/v1/gradebook")).status).toBe(403);
  });

  it("the same user launching twice is the same student", async () => {
    const first = client(served.url, tokenFrom(await launch("student-9", platform.launchClaims({ sub: "student-9" }))));
    const second = client(served.url, tokenFrom(await launch("student-9", platform.launchClaims({ sub: "student-9" }))));
    expect((await first.get("/v1/me")).json.name).toBe((await second.get("/v1/me")).json.name);
  });

  describe("refusals", () => {
    const expectRefused = async (response: Response, reason: string) => {
      expect(response.status).toBe(401);
      const body = (await response.json()) as { message?: unknown };
      expect(body).toMatchObject({ error: "lti_launch_refused", details: { reason } });
      expect(body.message).toEqual(expect.any(String));
    };

    it("a token signed by a key not in the platform's JWKS", async () => {
      const { state, nonce } = await loginOnly();
      const idToken = await platform.signIdToken(platform.launchClaims({ nonce }), { signWith: "stranger" });
      await expectRefused(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state }), "bad_signature");
    });

    it("a replayed launch (same state and id_token) and a replayed nonce under a fresh state", async () => {
      const { state, nonce } = await loginOnly();
      const idToken = await platform.signIdToken(platform.launchClaims({ nonce }));
      tokenFrom(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state }));
      await expectRefused(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state }), "unknown_state");
      const fresh = await loginOnly();
      await expectRefused(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state: fresh.state }), "wrong_nonce");
    });

    it("an unknown deployment, at login and at launch", async () => {
      const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint: "x", targetLinkUri: `${served.url}/lti/launch` });
      const login = await postForm(`${served.url}/lti/login`, { ...initiation.form, lti_deployment_id: "deployment-elsewhere" });
      expect(login.status).toBe(400);
      expect(await login.json()).toMatchObject({ error: "unknown_deployment" });
      const { state, nonce } = await loginOnly();
      const idToken = await platform.signIdToken(platform.launchClaims({ nonce, [`${LTI_CLAIM}deployment_id`]: "deployment-elsewhere" }));
      await expectRefused(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state }), "unknown_deployment");
    });

    it("an expired id_token", async () => {
      const { state, nonce } = await loginOnly();
      const idToken = await platform.signIdToken(platform.launchClaims({ nonce }), { issuedAt: Math.floor(Date.now() / 1000) - 3600, expiresInSeconds: 60 });
      await expectRefused(await postForm(`${served.url}/lti/launch`, { id_token: idToken, state }), "expired");
    });

    it("a login from an unregistered issuer, and a launch without the form fields", async () => {
      const login = await fetch(`${served.url}/lti/login?${new URLSearchParams({ iss: "https://lms.elsewhere.example", login_hint: "x", target_link_uri: `${served.url}/lti/launch` })}`, { redirect: "manual" });
      expect(login.status).toBe(400);
      expect(await login.json()).toMatchObject({ error: "unknown_platform", message: expect.stringContaining("https://lms.elsewhere.example") });
      const launchResponse = await postForm(`${served.url}/lti/launch`, { state: "s" });
      expect(launchResponse.status).toBe(400);
      expect(await launchResponse.json()).toMatchObject({ error: "validation_error", message: "id_token is required" });
    });

    it("a platform whose keyset cannot be fetched: 502 naming the keyset URL, not a refusal", async () => {
      const unreachable = { ...platform.registration, issuer: "https://lms.offline.example", jwksUrl: "http://127.0.0.1:1/jwks" };
      expect((await staff.post("/v1/lti/registrations", unreachable)).status).toBe(201);
      const login = await fetch(`${served.url}/lti/login?${new URLSearchParams({ iss: unreachable.issuer, login_hint: "x", target_link_uri: `${served.url}/lti/launch` })}`, { redirect: "manual" });
      expect(login.status).toBe(302);
      const redirect = new URL(login.headers.get("location")!);
      const idToken = await platform.signIdToken(platform.launchClaims({ iss: unreachable.issuer, nonce: redirect.searchParams.get("nonce") }));
      const response = await postForm(`${served.url}/lti/launch`, { id_token: idToken, state: redirect.searchParams.get("state")! });
      expect(response.status).toBe(502);
      expect(await response.json()).toMatchObject({ error: "platform_unreachable", message: expect.stringContaining("http://127.0.0.1:1/jwks") });
    });

    it("a made-up launch token is not a session", async () => {
      const r = await client(served.url, "lti_made-up-token-000000000000000000000").get("/v1/me");
      expect(r.status).toBe(401);
      expect(r.json.message).toMatch(/open autograde again from the course page/);
    });
  });
});

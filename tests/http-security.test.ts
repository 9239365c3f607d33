import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LTI_CLAIM } from "../server/lti/registration.ts";
import { parseAutoPostForm } from "./helpers/lti-platform-forms.ts";
import { startTestPlatform, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, useServer } from "./helpers/server.ts";
import { slowDistributeSource } from "./helpers/server-sources.ts";

const MEMBERSHIP = "http://purl.imsglobal.org/vocab/lis/v2/membership";
const COURSE_STAFF_ROLES = [
  ["Instructor", `${MEMBERSHIP}#Instructor`],
  ["Teaching assistant", `${MEMBERSHIP}/Instructor#TeachingAssistant`],
  ["Institution administrator", "http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator"],
] as const;
/** About ten seconds of grading each: submissions stay ungraded for the whole test. */
const slow = { source: slowDistributeSource(1500), exercises: ["distribute_value"] };

const postForm = (url: string, fields: Record<string, string>) => fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

describe("HTTP security: per-student queue cap and LTI course-staff rights (sqlite)", () => {
  const served = useServer("sqlite", { AUTOGRADE_MAX_QUEUED_PER_STUDENT: "3", AUTOGRADE_DRAIN_GRACE_MS: "0" });
  const staff = served.client(KEYS.staff);
  const alice = served.client(KEYS.alice);
  const bob = served.client(KEYS.bob);
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ toolJwksUrl: `${served.url}/.well-known/jwks.json`, redirectUris: [`${served.url}/lti/launch`] });
    expect((await staff.post("/v1/lti/registrations", platform.registration)).status).toBe(201);
  });
  afterAll(async () => {
    await platform?.close();
  });

  /** The browser's part of a launch: login initiation, the platform's auth step, its auto-post; returns the session's client. */
  async function launchAs(sub: string, roles: readonly string[]) {
    platform.prepareLaunch({ loginHint: sub, claims: platform.launchClaims({ sub, [`${LTI_CLAIM}roles`]: roles }) });
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint: sub, targetLinkUri: `${served.url}/lti/launch` });
    const login = await fetch(initiation.url, { redirect: "manual" });
    expect(login.status).toBe(302);
    const form = parseAutoPostForm(await (await fetch(login.headers.get("location")!)).text());
    const launched = await postForm(form.action, form.fields);
    expect(launched.status).toBe(303);
    // The launch's course and assignment follow the token in the fragment.
    const token = /^\/#launch=(lti_[A-Za-z0-9_-]+)(?:&|$)/.exec(launched.headers.get("location") ?? "")?.[1];
    if (!token) throw new Error(`no launch token in ${launched.headers.get("location")}`);
    return client(served.url, token);
  }

  it("a student's fourth ungraded submission gets 429 with Retry-After and why; others and staff keys are not held back", async () => {
    for (let i = 0; i < 3; i++) expect((await alice.post("/v1/submissions", { ...slow, source: `${slow.source}\n// ${i}` })).status).toBe(202);
    const refused = await alice.post("/v1/submissions", slow);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(refused.json).toEqual({ error: "too_many_queued", message: expect.stringMatching(/3 of your submissions are still waiting/), details: { queued: 3, max: 3 } });
    expect((await alice.get("/v1/submissions")).json.items).toHaveLength(3);

    expect((await bob.post("/v1/submissions", slow)).status).toBe(202);
    for (let i = 0; i < 4; i++) expect((await staff.post("/v1/submissions", slow)).status).toBe(202);
    // A course launch is not a staff key: an instructor of a sandbox course is capped like a student.
    const teacher = await launchAs("capped-teacher", [`${MEMBERSHIP}#Instructor`]);
    for (let i = 0; i < 3; i++) expect((await teacher.post("/v1/submissions", slow)).status).toBe(202);
    expect((await teacher.post("/v1/submissions", slow)).json).toMatchObject({ error: "too_many_queued", details: { queued: 3, max: 3 } });
  });

  describe.each(COURSE_STAFF_ROLES)("an LTI %s session", (_label, role) => {
    let teacher: ReturnType<typeof client>;
    let submissionId: string;
    let registrationId: string;
    let kid: string;
    beforeAll(async () => {
      teacher = await launchAs(`staff-${role.length}-${role.slice(-12)}`, [role]);
      submissionId = (await staff.post("/v1/submissions", slow)).json.id;
      registrationId = (await staff.get("/v1/lti/registrations")).json.registrations[0].id;
      kid = (await staff.get("/v1/lti/tool")).json.currentKid;
    });

    it("has course-staff rights: gradebook, every submission, regrade", async () => {
      // The page reads origin to leave out what only administrators may fetch.
      expect((await teacher.get("/v1/me")).json).toMatchObject({ role: "staff", origin: "lti" });
      expect((await staff.get("/v1/me")).json).toMatchObject({ role: "staff", origin: "api_key" });
      expect((await teacher.get("/v1/gradebook")).status).toBe(200);
      expect((await teacher.get("/v1/gradebook?format=csv")).status).toBe(200);
      const list = await teacher.get("/v1/submissions?student=prof");
      expect(list.status).toBe(200);
      expect(list.json.items.map((s: { id: string }) => s.id)).toContain(submissionId);
      expect((await teacher.get(`/v1/submissions/${submissionId}`)).status).toBe(200);
      expect((await teacher.post(`/v1/submissions/${submissionId}/regrade`)).status).toBe(202);
      expect((await teacher.post("/v1/regrade", { student: "nobody-at-all" })).status).toBe(202);
    });

    it("gets 403 on every administration route, and changes nothing", async () => {
      const kidsBefore = (await staff.get("/v1/lti/tool")).json.publishedKids;
      const admin: [string, string, unknown?][] = [
        ["GET", "/v1/lti/tool"],
        ["GET", "/v1/lti/registrations"],
        ["POST", "/v1/lti/registrations", { ...platform.registration, clientId: "sneaky-client" }],
        ["PUT", `/v1/lti/registrations/${registrationId}/deployments`, { deploymentIds: ["sneaky"] }],
        ["DELETE", `/v1/lti/registrations/${registrationId}`],
        ["POST", "/v1/lti/keys/rotate"],
        ["DELETE", `/v1/lti/keys/${kid}`],
        ["GET", "/v1/lti/publications"],
        ["GET", "/v1/lti/users"],
        ["GET", `/v1/submissions/${submissionId}/deliveries`],
      ];
      for (const [method, path, body] of admin) {
        const response = await teacher.raw(path, {
          method,
          ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
        });
        expect(response.status, `${method} ${path}`).toBe(403);
        expect(await response.json(), `${method} ${path}`).toEqual({
          error: "forbidden",
          message: expect.stringMatching(/course-staff rights .*staff API key/),
          details: { needs: "staff_api_key" },
        });
      }
      // callbackUrl makes the server send requests into its own network: administration too.
      const callback = await teacher.post("/v1/submissions", { ...slow, callbackUrl: "http://127.0.0.1:9/internal" });
      expect(callback.status).toBe(403);
      expect(callback.json).toMatchObject({ error: "forbidden", details: { field: "callbackUrl" } });

      const registrations = (await staff.get("/v1/lti/registrations")).json.registrations;
      expect(registrations).toHaveLength(1);
      expect(registrations[0]).toMatchObject({ id: registrationId, deploymentIds: platform.registration.deploymentIds });
      expect((await staff.get("/v1/lti/tool")).json.publishedKids).toEqual(kidsBefore);
      expect((await staff.get("/v1/lti/users")).status).toBe(200);
      expect((await staff.get(`/v1/submissions/${submissionId}/deliveries`)).status).toBe(200);
    });
  });

  it("a student session is still refused the course-staff routes", async () => {
    const learner = await launchAs("learner-1", [`${MEMBERSHIP}#Learner`]);
    expect((await learner.get("/v1/gradebook")).status).toBe(403);
    expect((await learner.get("/v1/lti/users")).status).toBe(403);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGS_CLAIM_ENDPOINT, AGS_SCORE_SCOPE, LTI_CLAIM } from "../server/lti/registration.ts";
import { parseAutoPostForm } from "./helpers/lti-platform-forms.ts";
import { startTestPlatform, type PlatformLineItem, type TestPlatform } from "./helpers/lti-platform.ts";
import { client, KEYS, STORAGES, useServer } from "./helpers/server.ts";

const INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor";
const TA = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant";
const LINEITEM_READ = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly";
const DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";
const context = (id: string, title: string) => ({ [`${LTI_CLAIM}context`]: { id, title } });

type Client = ReturnType<typeof client>;
const put = async (as: Client, path: string, body: unknown) => {
  const response = await as.raw(path, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => undefined) };
};
const postForm = (url: string, fields: Record<string, string>) => fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });

/** The page's start: `/#launch=…`, with the course and assignment when they are not `default`'s. */
function fragmentOf(response: Response): { token: string; course: string; assignment: string } {
  expect(response.status).toBe(303);
  const location = response.headers.get("location") ?? "";
  expect(location.startsWith("/#")).toBe(true);
  const params = new URLSearchParams(location.slice(2));
  const token = params.get("launch");
  if (!token?.startsWith("lti_")) throw new Error(`no launch token in ${location}`);
  return { token, course: params.get("course") ?? "default", assignment: params.get("assignment") ?? "default" };
}

describe.each(STORAGES)("LTI contexts as courses (%s)", (storageKind) => {
  const served = useServer(storageKind);
  const staff = served.client(KEYS.staff);
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ toolJwksUrl: `${served.url}/.well-known/jwks.json`, redirectUris: [`${served.url}/lti/launch`] });
    expect((await staff.post("/v1/lti/registrations", platform.registration)).status).toBe(201);
  });
  afterAll(async () => {
    await platform?.close();
  });

  async function launch(loginHint: string, claims: Record<string, unknown>): Promise<Response> {
    platform.prepareLaunch({ loginHint, claims });
    const initiation = platform.loginInitiation(`${served.url}/lti/login`, { loginHint, targetLinkUri: `${served.url}/lti/launch` });
    const login = await fetch(initiation.url, { redirect: "manual" });
    const form = parseAutoPostForm(await (await fetch(login.headers.get("location")!)).text());
    return postForm(form.action, form.fields);
  }

  const launchAs = async (sub: string, roles: string[], ctx: Record<string, unknown>) =>
    fragmentOf(await launch(sub, platform.launchClaims({ sub, [`${LTI_CLAIM}roles`]: roles, ...ctx })));

  it("two contexts are two courses, and neither's instructor can see or change the other's", async () => {
    const a = await launchAs("teacher-a", [INSTRUCTOR], context("ctx-a", "Section A"));
    const b = await launchAs("teacher-b", [INSTRUCTOR], context("ctx-b", "Section B"));
    expect(a.course).toMatch(/^lti-[0-9a-f]{16}$/);
    expect(b.course).not.toBe(a.course);
    const teacherA = client(served.url, a.token);
    const teacherB = client(served.url, b.token);

    const listed = await teacherA.get("/v1/courses");
    expect(listed.status).toBe(200);
    const ids = (listed.json.courses as { id: string; title: string }[]).map((c) => c.id);
    expect(ids).toContain(a.course);
    expect(ids).not.toContain(b.course);
    expect(listed.json.courses).toContainEqual(expect.objectContaining({ id: a.course, title: "Section A" }));
    expect((await teacherB.get("/v1/courses")).json.courses.map((c: { id: string }) => c.id)).not.toContain(a.course);

    const members = await teacherA.get(`/v1/courses/${a.course}/members`);
    expect(members.status).toBe(200);
    expect(members.json.members).toContainEqual(expect.objectContaining({ role: "instructor" }));
    expect([403, 404]).toContain((await teacherA.get(`/v1/courses/${b.course}/members`)).status);
    expect([403, 404]).toContain((await put(teacherA, `/v1/courses/${b.course}/assignments/hw9`, { title: "taken over" })).status);

    // A TA of context A is a TA of course A only.
    const ta = await launchAs("ta-a", [TA], context("ctx-a", "Section A"));
    expect(ta.course).toBe(a.course);
    const roles = (await teacherA.get(`/v1/courses/${a.course}/members`)).json.members as { role: string }[];
    expect(roles.map((m) => m.role).sort()).toEqual(["instructor", "ta"]);
    expect([403, 404]).toContain((await client(served.url, ta.token).get(`/v1/courses/${b.course}/members`)).status);
  });

  it("a second section linked by the admin opens the same course", async () => {
    const first = await launchAs("teacher-c", [INSTRUCTOR], context("ctx-c1", "CNN, section 1"));
    const linked = await put(staff, "/v1/lti/contexts", { issuer: platform.url, contextId: "ctx-c2", course: first.course });
    expect(linked.status).toBe(200);
    const student = await launchAs("student-c2", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"], context("ctx-c2", "CNN, section 2"));
    expect(student.course).toBe(first.course);
    const members = (await client(served.url, first.token).get(`/v1/courses/${first.course}/members`)).json.members as { role: string }[];
    expect(members.map((m) => m.role).sort()).toEqual(["instructor", "student"]);
  });

  it("deep linking creates an assignment with a due date, offered from the platform's line item, and the link opens it", async () => {
    const lineItemUrl = `${platform.url}/lineitems/column-1`;
    const column = { id: lineItemUrl, label: "Padding", scoreMaximum: 10, resourceLinkId: "none", endDateTime: "2026-12-10T23:59:00.000Z" };
    platform.lineItems.push(column as PlatformLineItem);
    const request = await launch("teacher-d", platform.deepLinkingClaims({
      overrides: {
        sub: "teacher-d",
        [`${LTI_CLAIM}roles`]: [INSTRUCTOR],
        ...context("ctx-d", "CNN 2026"),
        [AGS_CLAIM_ENDPOINT]: { scope: [AGS_SCORE_SCOPE, LINEITEM_READ], lineitems: `${platform.url}/lineitems`, lineitem: lineItemUrl },
      },
    }));
    expect(request.status).toBe(200);
    const page = await request.text();
    // The platform's end date is the form's default.
    expect(page).toContain('data-iso="2026-12-10T23:59:00.000Z"');
    for (const field of ["dueAtLocal", "lateUntilLocal", "penaltyPercent", "maxAttempts", "hiddenResults", "scorePolicy"]) expect(page).toContain(`name="${field}"`);
    const form = parseAutoPostForm(page);

    const refused = await postForm(form.action, { ...form.fields, exercises: "zero_pad", dueAt: "2026-12-12T00:00:00Z", lateUntil: "2026-12-11T00:00:00Z" });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "validation_error", details: { field: "dueAt" } });

    const chosen = await postForm(form.action, {
      ...form.fields, exercises: "zero_pad", title: "Padding", dueAt: "2026-12-10T23:59:00.000Z", lateUntil: "2026-12-12T23:59:00.000Z",
      penaltyPercent: "10", penaltyUnit: "day", penaltyMax: "30", maxAttempts: "2", hiddenResults: "after_due", scorePolicy: "best",
    });
    expect(chosen.status).toBe(200);
    const back = parseAutoPostForm(await chosen.text());
    expect((await postForm(back.action, back.fields)).status).toBeLessThan(300);
    const response = platform.deepLinkResponses.at(-1)!;
    expect(response).toMatchObject({ ok: true });
    const [item] = response.payload![`${DL}content_items`] as Record<string, Record<string, unknown>>[];
    expect(item!.lineItem).toMatchObject({ scoreMaximum: 10, endDateTime: "2026-12-10T23:59:00.000Z" });
    expect(item!.submission).toEqual({ endDateTime: "2026-12-10T23:59:00.000Z" });
    const { course, assignment } = item!.custom as { course: string; assignment: string };
    expect(assignment).toMatch(/^lti-[0-9a-f]{12}$/);

    const stored = await staff.get(`/v1/courses/${course}/assignments/${assignment}`);
    expect(stored.status).toBe(200);
    expect(stored.json).toMatchObject({
      title: "Padding", exercises: ["zero_pad"], dueAt: "2026-12-10T23:59:00.000Z", lateUntil: "2026-12-12T23:59:00.000Z",
      latePenalty: { percentPerDay: 10, maxPercent: 30 }, maxAttempts: 2, hiddenResults: "after_due",
    });

    // The created link, launched by a student, opens that assignment of that course.
    const linkIndex = platform.resourceLinks.length - 1;
    const student = fragmentOf(await launch("student-d", platform.resourceLinkClaims(linkIndex, { sub: "student-d", ...context("ctx-d", "CNN 2026") })));
    expect(student).toMatchObject({ course, assignment });
    const seen = await client(served.url, student.token).get(`/v1/courses/${course}/assignments/${assignment}`);
    expect(seen.status).toBe(200);
    expect(seen.json).toMatchObject({ dueAt: "2026-12-10T23:59:00.000Z", attempts: { used: 0, max: 2 } });
  });

  it("a student's deep-linking request is refused", async () => {
    const request = await launch("student-e", platform.deepLinkingClaims({ overrides: { sub: "student-e", [`${LTI_CLAIM}roles`]: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"] } }));
    expect(request.status).toBe(403);
  });
});

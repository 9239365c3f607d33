import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COURSE_KEYS, startCourseApp } from "./helpers/course-app.ts";

// What a new user tripped over (issue 17): answers that disagreed with the README's error table.
// The app here has no AUTOGRADE_WEBHOOK_SECRET.
let t: Awaited<ReturnType<typeof startCourseApp>>;
beforeAll(async () => {
  t = await startCourseApp();
});
afterAll(async () => t?.close());

const source = "export const zeroPad = () => 0;";

function multipart(parts: readonly { name: string; filename?: string; value: string }[]) {
  const boundary = "autograde-first-hour";
  const body = parts
    .map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename ? `; filename="${p.filename}"` : ""}\r\n\r\n${p.value}\r\n`)
    .join("") + `--${boundary}--\r\n`;
  return { payload: body, headers: { "content-type": `multipart/form-data; boundary=${boundary}`, authorization: `Bearer ${COURSE_KEYS.alice}` } };
}

describe("errors a first hour meets", () => {
  it("a staff callbackUrl on a server without a webhook secret is a 400 naming the field, and nothing is stored", async () => {
    const before = (await t.call("prof", "GET", "/submissions?limit=100")).json.items.length;
    const r = await t.call("prof", "POST", "/submissions", { source, exercises: ["zero_pad"], callbackUrl: "https://ci.example.edu/hook" });
    expect(r.status).toBe(400);
    expect(r.json).toMatchObject({ error: "validation_error", message: expect.stringMatching(/AUTOGRADE_WEBHOOK_SECRET/), details: { field: "callbackUrl" } });
    expect((await t.call("prof", "GET", "/submissions?limit=100")).json.items.length).toBe(before);
  });

  it("POST /v1/regrade without a body regrades everything finished, as the per-submission regrade takes none", async () => {
    expect((await t.call("alice", "POST", "/submissions", { source, exercises: ["zero_pad"] })).status).toBe(202);
    await t.gradeQueued({ fraction: 1 });
    const r = await t.call("prof", "POST", "/regrade");
    expect(r.status, r.text).toBe(202);
    expect(r.json.queued).toBeGreaterThanOrEqual(1);
    await t.gradeQueued({ fraction: 1 });
  });

  it("a multipart upload of two files is a 400 naming source, not fst_files_limit", async () => {
    const r = await t.app.inject({
      method: "POST",
      url: "/v1/submissions",
      ...multipart([
        { name: "source", filename: "a.ts", value: source },
        { name: "file", filename: "b.ts", value: source },
      ]),
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json()).toMatchObject({ error: "validation_error", details: { field: "source" } });
  });
});

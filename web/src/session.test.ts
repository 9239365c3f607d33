import { describe, expect, it } from "vitest";
import { ApiError, type ApiClient } from "./api.ts";
import type { Submission } from "./schemas.ts";
import { identify, launchTokenFromHash, waitForGrading } from "./session.ts";

const reject = (status: number) => () => Promise.reject(new ApiError(status, `http_${status}`, `status ${status}`));

function fakeApi(overrides: Partial<ApiClient>): ApiClient {
  const unused = () => Promise.reject(new Error("not used by this test"));
  return { me: unused, listExercises: unused, getExercise: unused, submit: unused, getSubmission: unused, listSubmissions: unused, gradebook: unused, gradebookCsv: unused, regrade: unused, ...overrides };
}

describe("identify", () => {
  it("uses /v1/me when the service has it", async () => {
    const api = fakeApi({ me: async () => ({ role: "student", name: "alice" }) });
    expect(await identify(api)).toEqual({ kind: "signed_in", identity: { role: "student", name: "alice" } });
  });

  it.each<[string, number | "ok", unknown]>([
    ["no /v1/me, gradebook 200 -> staff", "ok", { kind: "signed_in", identity: { role: "staff" } }],
    ["no /v1/me, gradebook 403 -> student", 403, { kind: "signed_in", identity: { role: "student" } }],
    ["no /v1/me, gradebook 401 -> rejected", 401, { kind: "rejected", message: "status 401" }],
  ])("%s", async (_name, gradebook, expected) => {
    const api = fakeApi({
      me: reject(404),
      gradebook: gradebook === "ok" ? async () => ({ exercises: [], students: [] }) : reject(gradebook),
    });
    expect(await identify(api)).toEqual(expected);
  });

  it("a wrong key is rejected at /v1/me without probing further", async () => {
    let probed = false;
    const api = fakeApi({ me: reject(401), gradebook: async () => ((probed = true), { exercises: [], students: [] }) });
    expect((await identify(api)).kind).toBe("rejected");
    expect(probed).toBe(false);
  });

  it("a server failure is thrown, not mistaken for a role", async () => {
    await expect(identify(fakeApi({ me: reject(500) }))).rejects.toMatchObject({ status: 500 });
  });
});

describe("waitForGrading", () => {
  const states = (...statuses: Submission["status"][]) => statuses.map((status) => ({ id: "s1", status }) as Submission);

  it("reports each status change once and stops at graded", async () => {
    const sequence = states("queued", "queued", "running", "running", "graded");
    let reads = 0;
    const seen: string[] = [];
    const sleeps: number[] = [];
    const done = await waitForGrading({ getSubmission: async () => sequence[Math.min(reads++, sequence.length - 1)]! }, "s1", {
      onStatus: (s) => seen.push(s.status),
      sleep: async (ms) => void sleeps.push(ms),
      initialIntervalMs: 100,
      maxIntervalMs: 200,
    });
    expect(done.status).toBe("graded");
    expect(seen).toEqual(["queued", "running", "graded"]);
    expect(reads).toBe(5);
    expect(sleeps).toEqual([100, 150, 200, 200]);
  });

  it("stops at error too", async () => {
    const done = await waitForGrading({ getSubmission: async () => states("error")[0]! }, "s1", { onStatus: () => {}, sleep: async () => {} });
    expect(done.status).toBe("error");
  });

  it("an aborted wait rejects instead of polling forever", async () => {
    const controller = new AbortController();
    const pending = waitForGrading({ getSubmission: async () => states("queued")[0]! }, "s1", {
      onStatus: () => controller.abort(new Error("page closed")),
      signal: controller.signal,
      sleep: async () => {},
    });
    await expect(pending).rejects.toThrow("page closed");
  });
});

describe("launchTokenFromHash", () => {
  it.each<[string, string | null]>([
    ["#launch=tok-123", "tok-123"],
    ["#view=staff&launch=a%2Bb%3D", "a+b="],
    ["launch=no-hash-sign", "no-hash-sign"],
    ["#launch=", null],
    ["#launch=%20", null],
    ["", null],
    ["#other=1", null],
  ])("%s -> %s", (hash, token) => {
    expect(launchTokenFromHash(hash)).toBe(token);
  });
});

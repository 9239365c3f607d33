import { describe, expect, it } from "vitest";
import { ApiError } from "./api.ts";
import type { Submission } from "./schemas.ts";
import { identify, launchScopeFromHash, launchTokenFromHash, waitForGrading } from "./session.ts";

const reject = (status: number) => () => Promise.reject(new ApiError(status, `http_${status}`, `status ${status}`));

describe("identify", () => {
  it.each<[string, string, unknown]>([
    ["a student key", "student", { kind: "signed_in", identity: { role: "student", name: "alice" } }],
    ["a staff key", "staff", { kind: "signed_in", identity: { role: "staff", name: "alice" } }],
  ])("%s -> signed in with the role and name /v1/me gives", async (_name, role, expected) => {
    expect(await identify({ me: async () => ({ role: role as "staff" | "student", name: "alice" }) })).toEqual(expected);
  });

  it("a key /v1/me refuses (401) is rejected with the service's message", async () => {
    expect(await identify({ me: reject(401) })).toEqual({ kind: "rejected", message: "status 401" });
  });

  it.each([403, 404, 500])("any other failure (%i) is thrown, not mistaken for a role", async (status) => {
    await expect(identify({ me: reject(status) })).rejects.toMatchObject({ status });
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

  it("hands every read before the end to onPoll, so progress within one status shows", async () => {
    const reads = [
      { id: "s1", status: "running", progress: { exercises: [{ id: "zero_pad", state: "running", maxScore: 10 }] } },
      { id: "s1", status: "running", progress: { exercises: [{ id: "zero_pad", state: "graded", score: 10, maxScore: 10 }] } },
      { id: "s1", status: "graded" },
    ] as Submission[];
    let read = 0;
    const polled: unknown[] = [];
    await waitForGrading({ getSubmission: async () => reads[read++]! }, "s1", { onStatus: () => {}, onPoll: (s) => polled.push(s.progress?.exercises[0]?.state), sleep: async () => {} });
    expect(polled).toEqual(["running", "graded"]);
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

describe("launchScopeFromHash", () => {
  it.each<[string, { course: string; assignment: string } | null]>([
    ["#launch=tok&course=lti-0123&assignment=lti-abc", { course: "lti-0123", assignment: "lti-abc" }],
    ["#launch=tok", null],
    ["#launch=tok&course=cnn", null],
    ["#launch=tok&course=&assignment=hw1", null],
  ])("%s", (hash, scope) => {
    expect(launchScopeFromHash(hash)).toEqual(scope);
  });
});

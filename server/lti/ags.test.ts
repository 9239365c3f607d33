import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAgsClient, scoresUrl } from "./ags.ts";
import { startTestPlatform, type TestPlatform } from "../../tests/helpers/lti-platform.ts";
import { createToolKeys, type ToolKeys } from "./tool-keys.ts";

let toolKeys: ToolKeys;
let platform: TestPlatform;
let sleeps: number[];

beforeAll(async () => {
  toolKeys = await createToolKeys();
});
beforeEach(async () => {
  platform = await startTestPlatform({ toolJwks: () => toolKeys.jwks() });
  sleeps = [];
});
afterEach(() => platform.close());

const client = (overrides: { now?: () => number; keys?: ToolKeys } = {}) =>
  createAgsClient({
    toolKeys: overrides.keys ?? toolKeys,
    now: overrides.now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    maxAttempts: 3,
    initialBackoffMs: 100,
  });

const score = (overrides: Partial<{ lineItemUrl: string; userId: string; scoreGiven: number; scoreMaximum: number }> = {}) => ({
  registration: platform.registration,
  lineItemUrl: `${platform.url}/lineitems/9`,
  userId: "student-42",
  scoreGiven: 7.5,
  scoreMaximum: 8,
  timestamp: Date.UTC(2026, 10, 25, 12, 0, 0),
  ...overrides,
});

describe("createAgsClient.publishScore against a platform", () => {
  it("gets one token with a verified client assertion and reuses it for a second publication", async () => {
    const ags = client();
    expect(await ags.publishScore(score())).toEqual({ ok: true, status: 204, attempts: 1 });
    expect(await ags.publishScore(score({ userId: "student-43", scoreGiven: 2 }))).toEqual({ ok: true, status: 204, attempts: 1 });
    expect(platform.tokenRequests).toEqual([{ ok: true, kid: toolKeys.currentKid() }]);
    expect(platform.scores).toEqual([
      {
        path: "/lineitems/9/scores",
        query: "",
        contentType: "application/vnd.ims.lis.v1.score+json",
        body: {
          userId: "student-42",
          scoreGiven: 7.5,
          scoreMaximum: 8,
          activityProgress: "Completed",
          gradingProgress: "FullyGraded",
          timestamp: "2026-11-25T12:00:00.000Z",
        },
      },
      expect.objectContaining({ body: expect.objectContaining({ userId: "student-43", scoreGiven: 2 }) }),
    ]);
  });

  it("asks for a new token once the cached one is within the refresh margin of expiry", async () => {
    let clock = Date.now();
    const ags = client({ now: () => clock });
    await ags.publishScore(score());
    clock += 3600_000 - 30_000;
    await ags.publishScore(score());
    expect(platform.tokenRequests).toEqual([{ ok: true, kid: toolKeys.currentKid() }, { ok: true, kid: toolKeys.currentKid() }]);
    expect(platform.scores).toHaveLength(2);
  });

  it("fetches a fresh token once when the platform revoked the cached one (401)", async () => {
    const ags = client();
    await ags.publishScore(score());
    platform.revokeTokens();
    expect(await ags.publishScore(score())).toEqual({ ok: true, status: 204, attempts: 2 });
    expect(platform.tokenRequests).toEqual([{ ok: true, kid: toolKeys.currentKid() }, { ok: true, kid: toolKeys.currentKid() }]);
    expect(sleeps).toEqual([]);
  });

  it("posts to /scores before the query string of a line item URL that has one", async () => {
    expect(await client().publishScore(score({ lineItemUrl: `${platform.url}/lineitems/9?type_id=3&x=a%2Fb` }))).toMatchObject({ ok: true });
    expect(platform.scores[0]).toMatchObject({ path: "/lineitems/9/scores", query: "?type_id=3&x=a%2Fb" });
  });

  it("retries a 500 with backoff and succeeds", async () => {
    platform.scriptScoreStatuses([500]);
    expect(await client().publishScore(score())).toEqual({ ok: true, status: 204, attempts: 2 });
    expect(sleeps).toEqual([100]);
    expect(platform.scores).toHaveLength(1);
  });

  it("gives up after the bounded number of attempts on repeated 503/429, doubling the backoff", async () => {
    platform.scriptScoreStatuses([503, 429, 503, 503]);
    expect(await client().publishScore(score())).toMatchObject({ ok: false, status: 503, attempts: 3 });
    expect(sleeps).toEqual([100, 200]);
    expect(platform.scores).toHaveLength(0);
  });

  it("does not retry a 400", async () => {
    platform.scriptScoreStatuses([400]);
    const result = await client().publishScore(score());
    expect(result).toMatchObject({ ok: false, status: 400, attempts: 1 });
    expect(result.ok === false && result.message).toMatch(/400/);
    expect(sleeps).toEqual([]);
  });

  it("reports the platform refusing a client assertion signed by a key it does not know", async () => {
    const strangerKeys = await createToolKeys();
    const result = await client({ keys: strangerKeys }).publishScore(score());
    expect(result).toMatchObject({ ok: false, status: 400, attempts: 1 });
    expect(platform.tokenRequests).toEqual([{ ok: false, error: expect.stringMatching(/^assertion/) }]);
  });

  it("reports an unreachable platform without a status after bounded retries", async () => {
    const url = platform.url;
    await platform.close();
    const registration = { ...platform.registration };
    const result = await client().publishScore({ ...score(), registration, lineItemUrl: `${url}/lineitems/9` });
    expect(result).toMatchObject({ ok: false, attempts: 3 });
    expect(result).not.toHaveProperty("status");
    platform = await startTestPlatform({ toolJwks: () => toolKeys.jwks() });
  });

  it.each([
    ["scoreMaximum=0", { scoreMaximum: 0 }, /scoreMaximum/],
    ["scoreGiven=NaN", { scoreGiven: Number.NaN }, /scoreGiven/],
    ["userId empty", { userId: "" }, /userId/],
    ["lineItemUrl not a URL", { lineItemUrl: "lineitems/9" }, /Invalid URL/],
  ])("rejects bad input: %s", async (_name, overrides, message) => {
    await expect(client().publishScore(score(overrides))).rejects.toThrow(message);
  });
});

describe("scoresUrl", () => {
  it.each([
    ["https://lms.example/li/9", "https://lms.example/li/9/scores"],
    ["https://lms.example/li/9/", "https://lms.example/li/9/scores"],
    ["https://lms.example/li/9?type_id=3", "https://lms.example/li/9/scores?type_id=3"],
  ])("%s -> %s", (lineItem, expected) => {
    expect(scoresUrl(lineItem)).toBe(expected);
  });
});

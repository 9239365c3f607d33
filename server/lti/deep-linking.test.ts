import { decodeJwt } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS } from "../../exercises/types.ts";
import {
  buildDeepLinkingResponse,
  parseExercisesCustom,
  signDeepLinkContext,
  verifyDeepLinkContext,
} from "./deep-linking.ts";
import { LTI_CLAIM } from "./registration.ts";
import { deepLinkContext, deepLinkItem, LAUNCH_URL } from "./deep-linking-fixtures.ts";
import { createToolKeys, type ToolKeys } from "./tool-keys.ts";

const DL = "https://purl.imsglobal.org/spec/lti-dl/claim/";
let toolKeys: ToolKeys;
let strangerKeys: ToolKeys;

beforeAll(async () => {
  [toolKeys, strangerKeys] = await Promise.all([createToolKeys(), createToolKeys()]);
});

const context = deepLinkContext;
const item = deepLinkItem;

describe("deep link context token", () => {
  it.each([
    ["with data and acceptMultiple", context({ data: `opaque "data" <&>`, acceptMultiple: true })],
    ["without optional fields", context()],
  ])("round-trips %s", async (_name, ctx) => {
    const token = await signDeepLinkContext(toolKeys, ctx, { expiresInSeconds: 600 });
    expect(await verifyDeepLinkContext(toolKeys, token)).toEqual({ ok: true, ctx });
  });

  it("is refused once expired, by the token's own expiry or a later clock", async () => {
    const past = Math.floor(Date.now() / 1000) - 900;
    const stale = await signDeepLinkContext(toolKeys, context(), { expiresInSeconds: 600, issuedAt: past });
    expect(await verifyDeepLinkContext(toolKeys, stale)).toMatchObject({ ok: false, reason: "expired" });
    const fresh = await signDeepLinkContext(toolKeys, context(), { expiresInSeconds: 600 });
    expect(await verifyDeepLinkContext(toolKeys, fresh, Date.now() + 601_000 + 5_000)).toMatchObject({ ok: false, reason: "expired" });
  });

  it("is refused when its payload was tampered with (return URL redirected)", async () => {
    const [header, body, signature] = (await signDeepLinkContext(toolKeys, context(), { expiresInSeconds: 600 })).split(".");
    const payload = JSON.parse(Buffer.from(body!, "base64url").toString("utf8"));
    payload.deep_link_context.deepLinkReturnUrl = "https://evil.example/steal";
    const forged = `${header}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.${signature}`;
    expect(await verifyDeepLinkContext(toolKeys, forged)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("is refused when signed by another tool's keys", async () => {
    const token = await signDeepLinkContext(strangerKeys, context(), { expiresInSeconds: 600 });
    expect(await verifyDeepLinkContext(toolKeys, token)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it.each([
    ["a client assertion (aud = token URL)", { iss: "autograde-client", sub: "autograde-client", aud: "https://lms.example/token" }],
    ["a token without aud", { deep_link_context: context() }],
  ])("refuses another token of ours in its place: %s", async (_name, payload) => {
    const token = await toolKeys.sign(payload, { expiresInSeconds: 60 });
    expect(await verifyDeepLinkContext(toolKeys, token)).toMatchObject({ ok: false, reason: "wrong_purpose" });
  });

  it("refuses a correctly signed token whose context is incomplete", async () => {
    const token = await toolKeys.sign({ aud: "urn:autograde:lti:deep-link-context", deep_link_context: { issuer: "https://lms.example" } }, { expiresInSeconds: 60 });
    const result = await verifyDeepLinkContext(toolKeys, token);
    expect(result).toMatchObject({ ok: false, reason: "invalid_context" });
    expect(result.ok === false && result.message).toMatch(/registrationId/);
  });

  it("still verifies after a key rotation, and not after the signing key is retired", async () => {
    const keys = await createToolKeys();
    const oldKid = keys.currentKid();
    const token = await signDeepLinkContext(keys, context(), { expiresInSeconds: 600 });
    await keys.rotate();
    expect((await verifyDeepLinkContext(keys, token)).ok).toBe(true);
    keys.retire(oldKid);
    expect(await verifyDeepLinkContext(keys, token)).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it.each([["empty", ""], ["garbage", "not.a.jwt"]])("refuses a malformed token: %s", async (_name, token) => {
    expect(await verifyDeepLinkContext(toolKeys, token)).toMatchObject({ ok: false, reason: "malformed" });
  });

  it.each([["not a URL", "nope"], ["a javascript: URL", "javascript:alert(1)"]])("will not sign a context whose return URL is %s", async (_name, url) => {
    await expect(signDeepLinkContext(toolKeys, context({ deepLinkReturnUrl: url }), { expiresInSeconds: 60 })).rejects.toThrow(/deepLinkReturnUrl/);
  });
});

describe("buildDeepLinkingResponse", () => {
  it("signs the LTI deep linking response claims, echoing data, with a fresh nonce and a short life", async () => {
    const ctx = context({ data: "csrf-token-from-lms" });
    const first = decodeJwt(await buildDeepLinkingResponse({ toolKeys, ctx, items: [item({ text: "Exercises 1 and 3" })] }));
    const second = decodeJwt(await buildDeepLinkingResponse({ toolKeys, ctx, items: [item()] }));
    expect(first).toMatchObject({
      iss: "autograde-client",
      aud: "https://lms.example",
      [`${LTI_CLAIM}message_type`]: "LtiDeepLinkingResponse",
      [`${LTI_CLAIM}version`]: "1.3.0",
      [`${LTI_CLAIM}deployment_id`]: "deployment-1",
      [`${DL}data`]: "csrf-token-from-lms",
      [`${DL}content_items`]: [
        {
          type: "ltiResourceLink",
          title: "Padding and convolution",
          text: "Exercises 1 and 3",
          url: LAUNCH_URL,
          lineItem: { scoreMaximum: 30, label: "Padding and convolution", resourceId: "autograde:zero_pad,conv_forward", tag: "autograde" },
          custom: { exercises: "zero_pad,conv_forward" },
        },
      ],
    });
    expect(typeof first.nonce).toBe("string");
    expect(second.nonce).not.toBe(first.nonce);
    expect(first.exp! - first.iat!).toBeGreaterThan(0);
    expect(first.exp! - first.iat!).toBeLessThanOrEqual(600);
  });

  it("omits data when the request had none, and says all for a null selection", async () => {
    const payload = decodeJwt(await buildDeepLinkingResponse({ toolKeys, ctx: context(), items: [item({ exercises: null })] }));
    expect(payload).not.toHaveProperty(`${DL}data`);
    expect((payload[`${DL}content_items`] as { custom: unknown }[])[0]!.custom).toEqual({ exercises: "all" });
  });

  it("names the assignment in the custom parameters and sets the line item's and submission's end to its due date", async () => {
    const dueAt = Date.UTC(2026, 11, 10, 23, 59);
    const payload = decodeJwt(await buildDeepLinkingResponse({ toolKeys, ctx: context(), items: [item({ assignment: { course: "cs101", id: "hw1", dueAt } })] }));
    const [content] = payload[`${DL}content_items`] as Record<string, Record<string, unknown>>[];
    expect(content!.lineItem).toMatchObject({ endDateTime: "2026-12-10T23:59:00.000Z" });
    expect(content!.submission).toEqual({ endDateTime: "2026-12-10T23:59:00.000Z" });
    expect(content!.custom).toEqual({ exercises: "zero_pad,conv_forward", course: "cs101", assignment: "hw1" });
  });

  it("an assignment without a due date sets no end date", async () => {
    const payload = decodeJwt(await buildDeepLinkingResponse({ toolKeys, ctx: context(), items: [item({ assignment: { course: "cs101", id: "hw1", dueAt: null } })] }));
    const [content] = payload[`${DL}content_items`] as Record<string, Record<string, unknown>>[];
    expect(content!.lineItem).not.toHaveProperty("endDateTime");
    expect(content).not.toHaveProperty("submission");
  });

  it.each([
    ["scoreMaximum=0", { items: [item({ scoreMaximum: 0 })] }, /scoreMaximum/],
    ["url relative", { items: [item({ url: "/lti/launch" })] }, /url must be an http\(s\) URL/],
    ["exercises=[]", { items: [item({ exercises: [] })] }, /at least one exercise/],
    ["exercises duplicated", { items: [item({ exercises: ["zero_pad", "zero_pad"] })] }, /duplicates/],
    ["two items, acceptMultiple=false", { items: [item(), item()], ctx: context({ acceptMultiple: false }) }, /single content item/],
  ])("rejects %s", async (_name, overrides, message) => {
    await expect(buildDeepLinkingResponse({ toolKeys, ctx: context(), ...overrides })).rejects.toThrow(message);
  });
});

describe("parseExercisesCustom", () => {
  it.each([
    ["all", "all", null],
    ["absent (a hand-made link)", undefined, null],
    ["one id", "pool_backward", ["pool_backward"]],
    ["two ids with spaces", " zero_pad , conv_forward", ["zero_pad", "conv_forward"]],
    ["a repeated id", "zero_pad,zero_pad", ["zero_pad"]],
  ])("accepts %s", (_name, value, exercises) => {
    expect(parseExercisesCustom(value, EXERCISE_IDS)).toEqual({ ok: true, exercises });
  });

  it.each([
    ["an unknown id among known ones", "zero_pad,conv_sideways", "unknown_exercise", /conv_sideways/],
    ["a camelCase alias", "zeroPad", "unknown_exercise", /zeroPad/],
    ["an id outside a narrowed catalogue", "pool_backward", "unknown_exercise", /pool_backward/],
    ["an empty string", "", "malformed", /empty entry/],
    ["a trailing comma", "zero_pad,", "malformed", /empty entry/],
    ["a number", 3, "malformed", /string/],
  ])("refuses %s", (name, value, reason, message) => {
    const catalogue = name.includes("narrowed") ? EXERCISE_IDS.slice(0, 3) : EXERCISE_IDS;
    const result = parseExercisesCustom(value, catalogue);
    expect(result).toMatchObject({ ok: false, reason });
    expect(result.ok === false && result.message).toMatch(message);
  });
});

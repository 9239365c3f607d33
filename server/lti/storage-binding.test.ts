import { describe, expect, it } from "vitest";
import { parseAutoPostForm } from "../../tests/helpers/lti-platform-forms.ts";
import { parseToolStoragePage } from "../../tests/helpers/lti-platform-storage.ts";
import { createStorageBinding, fromToolPage, storageValueMatches } from "./storage-binding.ts";
import { platformStorageKey, storageLaunchPage, storageLoginPage } from "./storage-pages.ts";

const TOOL = "https://autograde.example";
const HOSTILE = `</script><script>alert(1)</script>`;

describe("the platform storage binding", () => {
  it("keeps only a hash of the value, and matches the value alone", () => {
    const { value, binding } = createStorageBinding("post_message_forwarding");
    expect(binding.target).toBe("post_message_forwarding");
    expect(binding.valueHash).toMatch(/^[0-9a-f]{64}$/);
    expect(binding.valueHash).not.toContain(value);
    expect(storageValueMatches(binding, value)).toBe(true);
    expect(storageValueMatches(binding, `${value}x`)).toBe(false);
    expect(storageValueMatches(binding, "")).toBe(false);
    expect(storageValueMatches(binding, undefined)).toBe(false);
    expect(createStorageBinding("f").value).not.toBe(value);
  });

  it.each([
    { name: "same-origin fetch metadata", headers: { "sec-fetch-site": "same-origin" }, ok: true },
    { name: "the tool's Origin", headers: { origin: TOOL }, ok: true },
    { name: "both", headers: { origin: TOOL, "sec-fetch-site": "same-origin" }, ok: true },
    { name: "a cross-site post", headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, ok: false },
    { name: "same-site but another origin", headers: { "sec-fetch-site": "same-site" }, ok: false },
    { name: "an opaque origin", headers: { origin: "null" }, ok: false },
    { name: "same-origin metadata with a foreign Origin", headers: { origin: "https://evil.example", "sec-fetch-site": "same-origin" }, ok: false },
    { name: "neither header", headers: {}, ok: false },
  ])("fromToolPage: $name", ({ headers, ok }) => {
    expect(fromToolPage(headers, TOOL).ok).toBe(ok);
  });
});

describe("the platform storage pages", () => {
  const exchange = { platformOrigin: "https://sso.lms.example", target: "post_message_forwarding", timeoutMs: 5000, frameAncestors: ["https://lms.example"] };

  it("login page: one nonce for its script, no form posts, the data its script reads", () => {
    const page = storageLoginPage({ ...exchange, key: platformStorageKey("st"), value: "secret", authUrl: `https://sso.lms.example/auth?state=${encodeURIComponent(HOSTILE)}` });
    const nonce = /script-src 'nonce-([^']+)'/.exec(page.contentSecurityPolicy)![1]!;
    expect(page.html).toContain(`<script nonce="${nonce}">`);
    expect(page.contentSecurityPolicy).toContain("form-action 'none'");
    expect(page.contentSecurityPolicy).toContain("frame-ancestors https://lms.example");
    expect(page.referrerPolicy).toBeUndefined();
    expect(parseToolStoragePage(page.html)).toEqual({ step: "put", ...exchange, frameAncestors: undefined, key: "autograde_state_st", value: "secret", authUrl: expect.stringContaining("auth?state=") });
  });

  it("launch page: values cannot close the data block or the form, and the post on carries an Origin", () => {
    const page = storageLaunchPage({ ...exchange, key: platformStorageKey("st"), action: `${TOOL}/lti/launch/continue`, idToken: HOSTILE, state: "st" });
    expect(page.html.match(/<\/script>/g)).toHaveLength(2);
    expect(parseAutoPostForm(page.html)).toEqual({ action: `${TOOL}/lti/launch/continue`, method: "post", fields: { id_token: HOSTILE, state: "st", lti_storage_value: "" } });
    expect(page.contentSecurityPolicy).toContain(`form-action ${TOOL}`);
    expect(page.referrerPolicy).toBe("same-origin");
    expect(page.html).toContain('<meta name="referrer" content="same-origin">');
    expect(parseToolStoragePage(page.html)).toMatchObject({ step: "get", platformOrigin: "https://sso.lms.example", key: "autograde_state_st" });
  });

  it("refuses a platform origin that is not an origin", () => {
    expect(() => storageLoginPage({ ...exchange, platformOrigin: "https://sso.lms.example/auth", key: "k", value: "v", authUrl: "https://sso.lms.example/auth" })).toThrow(/must be an origin/);
  });
});

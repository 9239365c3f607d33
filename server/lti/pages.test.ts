import { describe, expect, it } from "vitest";
import { parseAutoPostForm } from "../../tests/helpers/lti-platform.ts";
import { autoPostPage, deepLinkChoicePage, escapeHtml } from "./pages.ts";

const HOSTILE = `</title><script>alert("x")</script> 'quoted' & "double"`;

function directives(csp: string): Map<string, string> {
  return new Map(
    csp.split(";").map((d) => {
      const [name, ...sources] = d.trim().split(/\s+/);
      return [name!, sources.join(" ")] as const;
    }),
  );
}

const nonceOf = (csp: string, directive: string): string => {
  const match = /'nonce-([^']+)'/.exec(directives(csp).get(directive) ?? "");
  if (!match) throw new Error(`no nonce in ${directive}`);
  return match[1]!;
};

const choicePage = (overrides: Partial<Parameters<typeof deepLinkChoicePage>[0]> = {}) =>
  deepLinkChoicePage({
    action: "https://autograde.example/lti/deep-link",
    contextToken: "ctx.token.value",
    choices: [
      { value: "all", label: "All eight exercises", points: 100 },
      { value: "zero_pad,conv_forward", label: "Padding and forward convolution", points: 30 },
    ],
    frameAncestors: ["https://lms.example"],
    ...overrides,
  });

describe("escapeHtml", () => {
  it.each([
    ["<>", "&lt;&gt;"],
    [`"'`, "&quot;&#39;"],
    ["&amp;", "&amp;amp;"],
    ["plain", "plain"],
  ])("%s -> %s", (input, expected) => {
    expect(escapeHtml(input)).toBe(expected);
  });
});

describe("deepLinkChoicePage", () => {
  it("posts the context token and the first choice, as a browser would submit it", () => {
    const form = parseAutoPostForm(choicePage().html);
    expect(form).toEqual({
      action: "https://autograde.example/lti/deep-link",
      method: "post",
      fields: { context: "ctx.token.value", exercises: "all" },
    });
  });

  it("is accessible: a fieldset with a legend, each radio labelled by its id, a submit button", () => {
    const { html } = choicePage();
    expect(html).toMatch(/<fieldset>\s*<legend>[^<]+<\/legend>/);
    const radios = [...html.matchAll(/<input type="radio" id="([^"]+)"/g)].map((m) => m[1]);
    expect(radios).toHaveLength(2);
    for (const id of radios) expect(html).toContain(`<label for="${id}">`);
    expect(html).toContain("Padding and forward convolution (30 points)");
    expect(html).toMatch(/<button type="submit">/);
    expect(html).toMatch(/<html lang="en">/);
  });

  it("escapes every interpolated value: title, labels, choice values, action and token", () => {
    const { html } = choicePage({
      title: HOSTILE,
      action: `https://autograde.example/lti/deep-link?a="b"&c=<d>`,
      contextToken: `tok"en<`,
      choices: [{ value: `x" onclick="evil()`, label: HOSTILE, points: 5 }],
    });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain(`onclick="evil()"`);
    expect(html).toContain("&lt;/title&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &#39;quoted&#39; &amp; &quot;double&quot;");
    const form = parseAutoPostForm(html);
    expect(form.action).toBe(`https://autograde.example/lti/deep-link?a="b"&c=<d>`);
    expect(form.fields).toEqual({ context: `tok"en<`, exercises: `x" onclick="evil()` });
  });

  it("sends a CSP with a fresh nonce matching the page's style element, and frames only from the LMS", () => {
    const first = choicePage();
    const second = choicePage();
    const csp = directives(first.contentSecurityPolicy);
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("form-action")).toBe("'self'");
    expect(csp.get("base-uri")).toBe("'none'");
    expect(csp.get("frame-ancestors")).toBe("https://lms.example");
    expect(csp.has("script-src")).toBe(false);
    const nonce = nonceOf(first.contentSecurityPolicy, "style-src");
    expect(first.html).toContain(`<style nonce="${nonce}">`);
    expect(nonceOf(second.contentSecurityPolicy, "style-src")).not.toBe(nonce);
  });

  it.each([
    ["frameAncestors=[]", [], "'none'"],
    ["frameAncestors=['self', two origins]", ["'self'", "https://a.example", "http://localhost:8080"], "'self' https://a.example http://localhost:8080"],
  ])("%s", (_name, frameAncestors, expected) => {
    expect(directives(choicePage({ frameAncestors }).contentSecurityPolicy).get("frame-ancestors")).toBe(expected);
  });

  it.each([
    ["a directive smuggled after ;", "https://lms.example; script-src *"],
    ["a wildcard", "*"],
    ["a path", "https://lms.example/course"],
  ])("rejects frameAncestors with %s", (_name, source) => {
    expect(() => choicePage({ frameAncestors: [source] })).toThrow(/frameAncestors entry/);
  });

  it("with an assignment, asks for its deadline and limits, prefills the default due date, and runs its one script under the nonce", () => {
    const page = choicePage({ assignment: { defaultDueAt: "2026-12-10T23:59:00.000Z" } });
    for (const name of ["title", "dueAtLocal", "dueAt", "lateUntilLocal", "lateUntil", "penaltyPercent", "penaltyUnit", "penaltyMax", "maxAttempts", "minMinutesBetween", "hiddenResults", "scorePolicy"]) {
      expect(page.html).toContain(`name="${name}"`);
    }
    expect(page.html).toContain('data-iso="2026-12-10T23:59:00.000Z" value="2026-12-10T23:59"');
    const nonce = nonceOf(page.contentSecurityPolicy, "script-src");
    expect(page.html).toContain(`<script nonce="${nonce}">`);
    expect(parseAutoPostForm(page.html).fields).toMatchObject({ context: "ctx.token.value", exercises: "all", dueAt: "", dueAtLocal: "2026-12-10T23:59" });
    expect(choicePage().html).not.toContain("<script");
  });

  it("rejects an empty list of choices", () => {
    expect(() => choicePage({ choices: [] })).toThrow(/at least one choice/);
  });
});

describe("autoPostPage", () => {
  const page = (overrides: Partial<Parameters<typeof autoPostPage>[0]> = {}) =>
    autoPostPage({
      action: "https://lms.example:8443/deep-link-return?x=1",
      fields: { JWT: "a.b.c", note: HOSTILE },
      title: HOSTILE,
      ...overrides,
    });

  it("carries every field, escaped, to the action", () => {
    const { html } = page();
    expect(html).not.toContain("<script>alert");
    expect(parseAutoPostForm(html)).toEqual({
      action: "https://lms.example:8443/deep-link-return?x=1",
      method: "post",
      fields: { JWT: "a.b.c", note: HOSTILE },
    });
  });

  it("submits by a nonce'd inline script and keeps a visible button as fallback", () => {
    const { html, contentSecurityPolicy } = page();
    const nonce = nonceOf(contentSecurityPolicy, "script-src");
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toBe(` nonce="${nonce}"`);
    expect(scripts[0]![2]).toMatch(/submit/);
    expect(html).toMatch(/<button type="submit">[^<]+<\/button>/);
    expect(html).not.toMatch(/<noscript>[\s\S]*<button/);
  });

  it("limits form-action to the action's origin and denies everything else by default", () => {
    const csp = directives(page().contentSecurityPolicy);
    expect(csp.get("form-action")).toBe("https://lms.example:8443");
    expect(csp.get("default-src")).toBe("'none'");
    expect(csp.get("base-uri")).toBe("'none'");
    expect(csp.has("frame-ancestors")).toBe(false);
    expect(directives(page({ frameAncestors: [] }).contentSecurityPolicy).get("frame-ancestors")).toBe("'none'");
  });

  it("emits a field named submit like any other hidden field", () => {
    expect(parseAutoPostForm(page({ fields: { submit: "yes" } }).html).fields).toEqual({ submit: "yes" });
  });

  it.each([
    ["a relative action", "/deep-link-return"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("rejects %s", (_name, action) => {
    expect(() => page({ action })).toThrow(/absolute http\(s\) URL/);
  });
});

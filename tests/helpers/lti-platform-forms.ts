/** Plays the browser's part with auto-post pages: what a platform or the tool sends, a test can read and submit. */

export interface AutoPostForm {
  readonly action: string;
  readonly method: string;
  /** What a browser would submit: named inputs, radios and checkboxes only when checked. */
  readonly fields: Record<string, string>;
}

const NAMED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref[0] === "#") {
      const code = ref[1] === "x" || ref[1] === "X" ? Number.parseInt(ref.slice(2), 16) : Number.parseInt(ref.slice(1), 10);
      return String.fromCodePoint(code);
    }
    return NAMED[ref.toLowerCase()] ?? whole;
  });
}

function attributes(source: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const match of source.matchAll(/([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
    result[match[1]!.toLowerCase()] = decodeEntities(match[2] ?? match[3] ?? match[4] ?? "");
  }
  return result;
}

export function parseAutoPostForm(html: string): AutoPostForm {
  const form = /<form\b([^>]*)>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error("the page has no <form>");
  const formAttributes = attributes(form[1]!);
  if (!formAttributes.action) throw new Error("the form has no action");
  const fields: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = attributes(input[1]!.replace(/\/$/, ""));
    const type = (attrs.type ?? "text").toLowerCase();
    if (attrs.name === undefined || type === "submit" || type === "button") continue;
    if ((type === "radio" || type === "checkbox") && !("checked" in attrs)) continue;
    fields[attrs.name] = attrs.value ?? "";
  }
  return { action: formAttributes.action, method: (formAttributes.method ?? "get").toLowerCase(), fields };
}

export const escapeAttribute = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;" })[c]!);

/** Written the way LMSs write theirs (body onload, self-closing inputs), independently of the tool's pages. */
export function platformAutoPostHtml(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `    <input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}"/>`)
    .join("\n");
  return `<!DOCTYPE html>
<html><head><title>Redirecting</title></head>
<body onload="document.forms[0].submit()">
  <form action="${escapeAttribute(action)}" method="POST">
${inputs}
    <noscript><input type="submit" value="Continue"/></noscript>
  </form>
</body></html>`;
}

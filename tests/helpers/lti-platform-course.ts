import { escapeAttribute } from "./lti-platform-forms.ts";
import { parseStorageMode, STORAGE_FRAME_NAME, type StorageMode } from "./lti-platform-storage.ts";

/**
 * The test platform's course page: what a student sees in the LMS. An LMS launches a tool by posting
 * the OIDC login initiation from its own page, either into an iframe it shows (Canvas's and Moodle's
 * default) or into a new window when the link is configured so.
 */
export type CoursePresentation = "iframe" | "window";

export const TOOL_FRAME_NAME = "tool";
export const TOOL_FRAME_SIZE = { width: 1200, height: 700 } as const;
export const NEW_WINDOW_BUTTON = "Open autograde in a new window";

export function parseCoursePresentation(value: string | null): CoursePresentation | null {
  if (value === null || value === "iframe") return "iframe";
  return value === "window" ? "window" : null;
}

/**
 * The framed launch posts itself as soon as the page has parsed, as LMSs do; the new-window launch
 * waits for the student's click, since a popup opened without one is blocked.
 */
export function coursePageHtml(input: {
  readonly toolLoginUrl: string;
  readonly fields: Readonly<Record<string, string>>;
  readonly presentation: CoursePresentation;
  /** The platform storage frame's URL (on the platform's auth origin); omitted: the LMS offers none. */
  readonly storageFrameUrl?: string;
}): string {
  const inputs = Object.entries(input.fields)
    .map(([name, value]) => `    <input type="hidden" name="${escapeAttribute(name)}" value="${escapeAttribute(value)}"/>`)
    .join("\n");
  const framed = input.presentation === "iframe";
  const target = framed ? TOOL_FRAME_NAME : "_blank";
  // With storage, the launch waits for the storage frame, which must be there to answer the tool.
  const storage = input.storageFrameUrl === undefined
    ? ""
    : `<iframe name="${STORAGE_FRAME_NAME}" src="${escapeAttribute(input.storageFrameUrl)}" hidden${framed ? ` onload="document.forms.launch.submit()"` : ""}></iframe>\n`;
  const launcher = framed
    ? `<iframe name="${TOOL_FRAME_NAME}" title="autograde" width="${TOOL_FRAME_SIZE.width}" height="${TOOL_FRAME_SIZE.height}" allow="clipboard-write"></iframe>
${input.storageFrameUrl === undefined ? "<script>document.forms.launch.submit()</script>" : ""}`
    : "";
  return `<!DOCTYPE html>
<html><head><title>Course 3: convolutions and pooling</title></head>
<body>
  <h1>Assignment: autograde</h1>
  <form name="launch" action="${escapeAttribute(input.toolLoginUrl)}" method="POST" target="${target}"${framed || input.storageFrameUrl === undefined ? "" : ` rel="opener"`}>
${inputs}
    ${framed ? "" : `<button type="submit">${NEW_WINDOW_BUTTON}</button>`}
  </form>
${storage}${launcher}
</body></html>`;
}

export type CoursePageAnswer =
  | { readonly status: 200; readonly html: string }
  | { readonly status: 400 | 404; readonly json: { error: string; error_description: string } };

const resolveUrl = (value: string | (() => string) | undefined): string | undefined => (typeof value === "function" ? value() : value);

/** GET /course?login_hint=...[&presentation=window]: the launch of a login hint prepared beforehand. */
export function coursePageAnswer(
  query: URLSearchParams,
  deps: {
    readonly toolLoginUrl: string | (() => string) | undefined;
    readonly toolLaunchUrl: string | (() => string) | undefined;
    readonly prepared: ReadonlyMap<string, { readonly messageHint?: string }>;
    readonly loginInitiation: (toolLoginUrl: string, opts: { loginHint: string; messageHint?: string; targetLinkUri: string; storageTarget?: string }) => { form: Record<string, string> };
    /** The storage frame's URL for a mode; the course page offers storage when ?storage= names one. */
    readonly storageFrameUrl: (mode: StorageMode) => string;
  },
): CoursePageAnswer {
  const fail = (status: 400 | 404, error_description: string): CoursePageAnswer => ({ status, json: { error: "invalid_request", error_description } });
  const toolLoginUrl = resolveUrl(deps.toolLoginUrl);
  const targetLinkUri = resolveUrl(deps.toolLaunchUrl);
  if (!toolLoginUrl || !targetLinkUri) return fail(400, "the platform was started without toolLoginUrl and toolLaunchUrl: it has no tool to launch");
  const loginHint = query.get("login_hint");
  if (!loginHint) return fail(400, "login_hint is required");
  const presentation = parseCoursePresentation(query.get("presentation"));
  if (!presentation) return fail(400, `presentation must be iframe or window, got ${JSON.stringify(query.get("presentation"))}`);
  const storage = parseStorageMode(query.get("storage"));
  if (storage === undefined) return fail(400, `storage must be answer or silent, got ${JSON.stringify(query.get("storage"))}`);
  const prepared = deps.prepared.get(loginHint);
  if (!prepared) return fail(404, `no launch prepared for login_hint ${JSON.stringify(loginHint)}`);
  const { form } = deps.loginInitiation(toolLoginUrl, {
    loginHint,
    targetLinkUri,
    ...(prepared.messageHint === undefined ? {} : { messageHint: prepared.messageHint }),
    ...(storage === null ? {} : { storageTarget: STORAGE_FRAME_NAME }),
  });
  const storageFrameUrl = storage === null ? {} : { storageFrameUrl: deps.storageFrameUrl(storage) };
  return { status: 200, html: coursePageHtml({ toolLoginUrl, fields: form, presentation, ...storageFrameUrl }) };
}

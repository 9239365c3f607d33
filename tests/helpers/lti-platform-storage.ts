/**
 * The test platform's postMessage storage (1EdTech "LTI Client Side postMessages"): a frame served
 * from the platform's auth origin inside its course page, as Canvas's `post_message_forwarding` is,
 * answering lti.capabilities, lti.put_data and lti.get_data. Keys are kept per tool origin.
 */
export const STORAGE_FRAME_NAME = "lti_storage_frame";

/** answer: a working storage; silent: the frame is there but never answers (a broken LMS). */
export type StorageMode = "answer" | "silent";

export function parseStorageMode(value: string | null): StorageMode | null | undefined {
  if (value === null) return null;
  return value === "answer" || value === "silent" ? value : undefined;
}

/** Every message the frame received, readable from a test as `window.ltiStorageLog`. */
export interface StorageLogEntry {
  readonly origin: string;
  readonly subject: string;
  readonly key?: string;
}

export function storageFrameHtml(mode: StorageMode): string {
  return `<!DOCTYPE html>
<html><head><title>LMS storage</title></head>
<body><script>
const MODE = ${JSON.stringify(mode)};
const NAME = ${JSON.stringify(STORAGE_FRAME_NAME)};
const store = new Map();
window.ltiStorageLog = [];
window.addEventListener("message", (event) => {
  const m = event.data;
  if (m === null || typeof m !== "object" || typeof m.subject !== "string" || typeof m.message_id !== "string") return;
  window.ltiStorageLog.push({ origin: event.origin, subject: m.subject, key: m.key });
  if (MODE === "silent") return;
  const answer = (fields) => event.source.postMessage(Object.assign({ subject: m.subject + ".response", message_id: m.message_id }, fields), event.origin);
  const scoped = event.origin + "\\n" + m.key;
  switch (m.subject) {
    case "lti.capabilities":
      return answer({ supported_messages: [{ subject: "lti.capabilities" }, { subject: "lti.put_data", frame: NAME }, { subject: "lti.get_data", frame: NAME }] });
    case "lti.put_data":
      if (typeof m.key !== "string" || m.key === "") return answer({ error: { code: "bad_request", message: "key must be a non-empty string" } });
      store.set(scoped, m.value);
      return answer({ key: m.key, value: m.value });
    case "lti.get_data":
      return answer({ key: m.key, value: store.get(scoped) });
    default:
      return answer({ error: { code: "unsupported_subject", message: "unsupported subject " + m.subject } });
  }
});
</script></body></html>`;
}

/** What the tool's platform-storage page hands its script: read by HTTP tests that play the browser. */
export interface ToolStoragePageData {
  readonly step: "put" | "get";
  readonly platformOrigin: string;
  readonly target: string;
  readonly key: string;
  readonly value?: string;
  readonly authUrl?: string;
  readonly timeoutMs: number;
}

export function parseToolStoragePage(html: string): ToolStoragePageData {
  const block = /<script type="application\/json" id="lti-storage">([\s\S]*?)<\/script>/.exec(html);
  if (!block) throw new Error("the page has no lti-storage data block");
  return JSON.parse(block[1]!) as ToolStoragePageData;
}

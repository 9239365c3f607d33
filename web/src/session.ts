import { ApiError, type ApiClient } from "./api.ts";
import type { Identity, Submission } from "./schemas.ts";

/** What the page learns about whoever holds the credentials. Student failure to sign in is data. */
export type SignIn =
  | { kind: "signed_in"; identity: Identity }
  | { kind: "rejected"; message: string };

/**
 * Asks `GET /v1/me`; a service without that route (404) is probed instead: whoever may read the
 * gradebook is staff, anyone else the key admits is a student whose name the page does not know.
 */
export async function identify(api: ApiClient): Promise<SignIn> {
  try {
    return { kind: "signed_in", identity: await api.me() };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return { kind: "rejected", message: error.message };
    if (error.status !== 404) throw error;
  }
  try {
    await api.gradebook();
    return { kind: "signed_in", identity: { role: "staff" } };
  } catch (error) {
    if (!(error instanceof ApiError)) throw error;
    if (error.status === 401) return { kind: "rejected", message: error.message };
    if (error.status === 403) return { kind: "signed_in", identity: { role: "student" } };
    throw error;
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      reject(signal.reason);
    }, { once: true });
  });

/**
 * Polls until the submission is graded or failed, reporting every status change. Backs off gently so
 * a long queue does not turn into a request storm from every open tab.
 */
export async function waitForGrading(
  api: Pick<ApiClient, "getSubmission">,
  id: string,
  options: { onStatus: (submission: Submission) => void; sleep?: Sleep; signal?: AbortSignal; initialIntervalMs?: number; maxIntervalMs?: number },
): Promise<Submission> {
  const wait = options.sleep ?? sleep;
  let intervalMs = options.initialIntervalMs ?? 300;
  const maxIntervalMs = options.maxIntervalMs ?? 3000;
  let lastStatus: string | undefined;
  for (;;) {
    options.signal?.throwIfAborted();
    const current = await api.getSubmission(id);
    if (current.status !== lastStatus) options.onStatus(current);
    lastStatus = current.status;
    if (current.status === "graded" || current.status === "error") return current;
    await wait(intervalMs, options.signal);
    intervalMs = Math.min(maxIntervalMs, Math.round(intervalMs * 1.5));
  }
}

/**
 * An LTI launch may hand the page a bearer token in the URL fragment (`/#launch=<token>`): fragments
 * never reach a server or a Referer header.
 */
export function launchTokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, "")).get("launch");
  return token && token.trim() ? token.trim() : null;
}

import { ApiError, type ApiClient } from "./api.ts";
import type { Identity, Submission } from "./schemas.ts";

/** What the page learns about whoever holds the credentials. Student failure to sign in is data. */
export type SignIn =
  | { kind: "signed_in"; identity: Identity }
  | { kind: "rejected"; message: string };

/** Asks `GET /v1/me` whom the credentials stand for; a 401 means the key was refused. */
export async function identify(api: Pick<ApiClient, "me">): Promise<SignIn> {
  try {
    return { kind: "signed_in", identity: await api.me() };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return { kind: "rejected", message: error.message };
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
  options: {
    onStatus: (submission: Submission) => void;
    /** Every read while queued or running, for what changes within a status (per-exercise progress). */
    onPoll?: (submission: Submission) => void;
    sleep?: Sleep;
    signal?: AbortSignal;
    initialIntervalMs?: number;
    maxIntervalMs?: number;
  },
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
    options.onPoll?.(current);
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

/** Inside an LTI launch the page works on the link's course and assignment only. */
export interface LaunchScope {
  readonly course: string;
  readonly assignment: string;
}

/** The launch's `course` and `assignment` beside the token; null when the link is `default`'s. */
export function launchScopeFromHash(hash: string): LaunchScope | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const course = params.get("course")?.trim();
  const assignment = params.get("assignment")?.trim();
  return course && assignment ? { course, assignment } : null;
}

import * as z from "zod/mini";
import { ApiError, type Credentials } from "./api.ts";

/*
 * The staff page's calls that web/src/api.ts does not make (bulk regrade, similarity), sent the
 * way it sends its own: the same credentials, same-origin cookies, `{ error, message }` errors.
 */

const span = z.object({ startRow: z.number(), startCol: z.number(), endRow: z.number(), endCol: z.number() });
export type CodeSpan = z.infer<typeof span>;

const fragment = z.object({ left: span, right: span, kgrams: z.number(), leftExcerpt: z.string(), rightExcerpt: z.string() });
const pair = z.object({
  left: z.string(),
  right: z.string(),
  leftSubmission: z.string(),
  rightSubmission: z.string(),
  similarity: z.number(),
  longest: z.number(),
  overlap: z.number(),
  fragments: z.array(fragment),
});
export type SimilarityPair = z.infer<typeof pair>;

export const similarityAnswer = z.union([
  z.object({ status: z.literal("computing"), course: z.string(), assignment: z.string(), notice: z.string(), submissions: z.number(), startedAt: z.string() }),
  z.object({
    status: z.literal("ready"),
    course: z.string(),
    assignment: z.string(),
    notice: z.string(),
    computedAt: z.string(),
    submissions: z.number(),
    stale: z.boolean(),
    recomputing: z.boolean(),
    totalPairs: z.number(),
    pairs: z.array(pair),
    warnings: z.array(z.string()),
  }),
]);
export type SimilarityAnswer = z.infer<typeof similarityAnswer>;

const bulkAccepted = z.object({ queued: z.number() });
const errorBody = z.object({ error: z.optional(z.string()), message: z.optional(z.string()) });

export interface StaffApi {
  /** POST /v1/regrade: how many submissions were queued. */
  bulkRegrade(filter: { course?: string; student?: string; exercise?: string }): Promise<{ queued: number }>;
  similarity(course: string, assignment: string): Promise<SimilarityAnswer>;
  /** The CSV or the self-contained HTML report of a ready comparison. */
  similarityFile(course: string, assignment: string, format: "csv" | "html"): Promise<{ filename: string; text: string; type: string }>;
}

export interface StaffApiOptions {
  credentials: Credentials;
  fetch: typeof globalThis.fetch;
}

/**
 * What the page signed in with, for when main.ts does not pass its credentials: the key it keeps
 * for the tab (main.ts's KEY_STORAGE), else the launch's same-origin cookie.
 */
export function pageCredentials(): Credentials {
  try {
    const secret = window.sessionStorage.getItem("autograde.key");
    if (secret) return { kind: "bearer", secret };
  } catch {
    // A third-party frame without storage: only the cookie can be meant.
  }
  return { kind: "cookie" };
}

export function createStaffApi({ credentials, fetch }: StaffApiOptions): StaffApi {
  async function send(method: string, path: string, body?: unknown, accept = "application/json"): Promise<Response> {
    const headers: Record<string, string> = { accept };
    if (credentials.kind === "bearer") headers.authorization = `Bearer ${credentials.secret}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(path, { method, headers, credentials: "same-origin", ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      let parsed: z.output<typeof errorBody> = {};
      try {
        parsed = errorBody.parse(JSON.parse(text));
      } catch {
        parsed = {};
      }
      throw new ApiError(response.status, parsed.error ?? `http_${response.status}`, parsed.message ?? (text.trim().slice(0, 200) || `HTTP ${response.status}`));
    }
    return response;
  }
  async function json<S extends z.ZodMiniType>(schema: S, response: Response): Promise<z.output<S>> {
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new Error(`unexpected response from ${response.url}: ${z.prettifyError(parsed.error)}`);
    return parsed.data;
  }
  const similarityPath = (course: string, assignment: string, format?: string) =>
    `/v1/similarity?${new URLSearchParams({ course, assignment, ...(format ? { format } : {}) })}`;

  return {
    bulkRegrade: async (filter) => json(bulkAccepted, await send("POST", "/v1/regrade", filter)),
    similarity: async (course, assignment) => json(similarityAnswer, await send("GET", similarityPath(course, assignment))),
    similarityFile: async (course, assignment, format) => {
      const response = await send("GET", similarityPath(course, assignment, format), undefined, format === "csv" ? "text/csv" : "text/html");
      if (response.status === 202) throw new ApiError(202, "computing", "the comparison is still being computed; try again in a moment");
      const named = /filename="?([^";]+)"?/.exec(response.headers.get("content-disposition") ?? "")?.[1];
      return { filename: named ?? `similarity.${format}`, text: await response.text(), type: response.headers.get("content-type") ?? "text/plain" };
    },
  };
}

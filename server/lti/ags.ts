import { randomUUID } from "node:crypto";
import { z } from "zod";
import { AGS_SCORE_SCOPE, type PlatformRegistration } from "./registration.ts";

export const AGS_LINEITEM_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem";
export const AGS_LINEITEM_READ_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem.readonly";
const LINEITEM_CONTENT_TYPE = "application/vnd.ims.lis.v2.lineitem+json";
import type { ToolKeys } from "./tool-keys.ts";

export const SCORE_CONTENT_TYPE = "application/vnd.ims.lis.v1.score+json";
const CLIENT_ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

export interface PublishScoreInput {
  readonly registration: PlatformRegistration;
  readonly lineItemUrl: string;
  /** The platform's user id: the launch's `sub`, not the tool's userKey. */
  readonly userId: string;
  readonly scoreGiven: number;
  readonly scoreMaximum: number;
  /** Epoch milliseconds of the grading, so the platform can order late deliveries. */
  readonly timestamp: number;
}

export type PublishScoreResult =
  /** `status`: the score endpoint's HTTP status (200, 201 or 204 by the spec), which staff see beside the publication. */
  | { readonly ok: true; readonly status: number; readonly attempts: number }
  | { readonly ok: false; readonly status?: number; readonly message: string; readonly attempts: number };

/** What the tool reads of a platform's gradebook column. */
export interface LineItem {
  /** Epoch milliseconds; null when the column has no end date. */
  readonly endDateTime: number | null;
}

export type ReadLineItemResult = { readonly ok: true; readonly lineItem: LineItem } | { readonly ok: false; readonly status?: number; readonly message: string };

export interface AgsClient {
  publishScore(input: PublishScoreInput): Promise<PublishScoreResult>;
  /** One request, no retries: a read that fails leaves the caller without a default, nothing more. */
  readLineItem(registration: PlatformRegistration, lineItemUrl: string): Promise<ReadLineItemResult>;
}

const lineItemBody = z.object({ endDateTime: z.iso.datetime({ offset: true }).nullish() }).passthrough();

export interface CreateAgsClientOptions {
  /** Only signing is needed: a key store that reloads rotated keys can stand in. */
  readonly toolKeys: Pick<ToolKeys, "sign">;
  readonly fetch?: typeof globalThis.fetch;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly maxAttempts?: number;
  readonly initialBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** A cached token is replaced this long before it expires, so it never lapses in flight. */
  readonly tokenRefreshMarginMs?: number;
  readonly requestTimeoutMs?: number;
}

const tokenResponse = z.object({
  access_token: z.string().min(1),
  token_type: z.string().refine((t) => t.toLowerCase() === "bearer", "token_type must be Bearer"),
  expires_in: z.number().positive().default(3600),
});

interface CachedToken {
  readonly accessToken: string;
  readonly expiresAtMs: number;
}

/** Insert `/scores` into the path: line item URLs may carry a query string (e.g. `?type_id=1`). */
export function scoresUrl(lineItemUrl: string): string {
  const url = new URL(lineItemUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, "")}/scores`;
  return url.toString();
}

class HttpFailure extends Error {
  constructor(
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

const retryable = (status: number | undefined): boolean => status === undefined || status === 429 || status >= 500;

export function createAgsClient(options: CreateAgsClientOptions): AgsClient {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const maxAttempts = options.maxAttempts ?? 4;
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const refreshMarginMs = options.tokenRefreshMarginMs ?? 60_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new Error(`maxAttempts must be a positive integer, got ${maxAttempts}`);

  // Keyed by token endpoint + client: one platform's token never goes to another. Pending promises are
  // cached too, so concurrent publications share one token request.
  const tokens = new Map<string, Promise<CachedToken>>();

  async function send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await fetchImpl(url, { ...init, signal: AbortSignal.timeout(requestTimeoutMs) });
    } catch (error) {
      throw new HttpFailure(undefined, `request to ${url} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  async function requestToken(registration: PlatformRegistration, scope: string): Promise<CachedToken> {
    const assertion = await options.toolKeys.sign(
      { iss: registration.clientId, sub: registration.clientId, aud: registration.authTokenUrl, jti: randomUUID() },
      { expiresInSeconds: 300, issuedAt: Math.floor(now() / 1000) },
    );
    const body = new URLSearchParams({
      grant_type: "client_credentials",
      client_assertion_type: CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
      scope,
    });
    const response = await send(registration.authTokenUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body,
    });
    const text = await response.text();
    if (!response.ok) throw new HttpFailure(response.status, `token endpoint answered ${response.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new HttpFailure(response.status, "token endpoint answered with invalid JSON");
    }
    const parsed = tokenResponse.safeParse(json);
    if (!parsed.success) throw new HttpFailure(response.status, `token endpoint answer invalid: ${parsed.error.issues[0]?.message}`);
    return { accessToken: parsed.data.access_token, expiresAtMs: now() + parsed.data.expires_in * 1000 };
  }

  const tokenKeyOf = (registration: PlatformRegistration, scope: string) => `${registration.authTokenUrl} ${registration.clientId} ${scope}`;

  async function accessToken(registration: PlatformRegistration, scope: string = AGS_SCORE_SCOPE): Promise<string> {
    const key = tokenKeyOf(registration, scope);
    const cached = tokens.get(key);
    if (cached) {
      try {
        const token = await cached;
        if (token.expiresAtMs - refreshMarginMs > now()) return token.accessToken;
      } catch {
        // A failed request is not cached: fall through and ask again.
      }
      if (tokens.get(key) !== cached) return accessToken(registration, scope);
    }
    const pending = requestToken(registration, scope);
    tokens.set(key, pending);
    pending.catch(() => {
      if (tokens.get(key) === pending) tokens.delete(key);
    });
    return (await pending).accessToken;
  }

  async function postScore(input: PublishScoreInput, token: string): Promise<number> {
    const response = await send(scoresUrl(input.lineItemUrl), {
      method: "POST",
      headers: { "content-type": SCORE_CONTENT_TYPE, authorization: `Bearer ${token}` },
      body: JSON.stringify({
        userId: input.userId,
        scoreGiven: input.scoreGiven,
        scoreMaximum: input.scoreMaximum,
        activityProgress: "Completed",
        gradingProgress: "FullyGraded",
        timestamp: new Date(input.timestamp).toISOString(),
      }),
    });
    if (!response.ok) {
      const text = await response.text().catch(() => "");
      throw new HttpFailure(response.status, `score endpoint answered ${response.status}: ${text.slice(0, 200)}`);
    }
    await response.body?.cancel();
    return response.status;
  }

  function validate(input: PublishScoreInput): void {
    if (input.userId.length === 0) throw new Error("userId must not be empty");
    if (!Number.isFinite(input.scoreMaximum) || input.scoreMaximum <= 0) {
      throw new Error(`scoreMaximum must be a positive number, got ${input.scoreMaximum}`);
    }
    if (!Number.isFinite(input.scoreGiven) || input.scoreGiven < 0) {
      throw new Error(`scoreGiven must be a non-negative number, got ${input.scoreGiven}`);
    }
    if (!Number.isFinite(input.timestamp)) throw new Error(`timestamp must be epoch milliseconds, got ${input.timestamp}`);
    scoresUrl(input.lineItemUrl);
  }

  return {
    async publishScore(input) {
      validate(input);
      const tokenKey = tokenKeyOf(input.registration, AGS_SCORE_SCOPE);
      let refreshedAfter401 = false;
      let attempts = 0;
      for (;;) {
        attempts += 1;
        let failure: HttpFailure;
        try {
          const status = await postScore(input, await accessToken(input.registration));
          return { ok: true, status, attempts };
        } catch (error) {
          if (!(error instanceof HttpFailure)) throw error;
          failure = error;
        }
        // A platform may revoke a token early; one fresh token is worth a try, but not forever.
        const retryWithNewToken = failure.status === 401 && !refreshedAfter401;
        if (retryWithNewToken) {
          refreshedAfter401 = true;
          tokens.delete(tokenKey);
        }
        if ((!retryWithNewToken && !retryable(failure.status)) || attempts >= maxAttempts) {
          return failure.status === undefined
            ? { ok: false, message: failure.message, attempts }
            : { ok: false, status: failure.status, message: failure.message, attempts };
        }
        if (!retryWithNewToken) await sleep(Math.min(maxBackoffMs, initialBackoffMs * 2 ** (attempts - 1)));
      }
    },

    async readLineItem(registration, lineItemUrl) {
      try {
        // With the score scope the tool always has: a platform that grants the intersection still answers.
        const token = await accessToken(registration, `${AGS_SCORE_SCOPE} ${AGS_LINEITEM_READ_SCOPE}`);
        const response = await send(lineItemUrl, { method: "GET", headers: { accept: LINEITEM_CONTENT_TYPE, authorization: `Bearer ${token}` } });
        const text = await response.text();
        if (!response.ok) return { ok: false, status: response.status, message: `line item answered ${response.status}: ${text.slice(0, 200)}` };
        const parsed = lineItemBody.safeParse(JSON.parse(text));
        if (!parsed.success) return { ok: false, message: `line item invalid: ${parsed.error.issues[0]?.message}` };
        const end = parsed.data.endDateTime;
        return { ok: true, lineItem: { endDateTime: end ? Date.parse(end) : null } };
      } catch (error) {
        if (error instanceof HttpFailure) return error.status === undefined ? { ok: false, message: error.message } : { ok: false, status: error.status, message: error.message };
        if (error instanceof SyntaxError) return { ok: false, message: "line item answered with invalid JSON" };
        throw error;
      }
    },
  };
}

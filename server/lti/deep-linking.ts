import { randomUUID } from "node:crypto";
import { createLocalJWKSet, errors, jwtVerify } from "jose";
import { z } from "zod";
import type { ExerciseId } from "../../exercises/types.ts";
import { LTI_CLAIM } from "./registration.ts";
import type { ToolKeys } from "./tool-keys.ts";

export const DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/";
export const DEEP_LINKING_RESPONSE_MESSAGE_TYPE = "LtiDeepLinkingResponse";
/** Our other tokens (client assertions) carry the platform's token URL as audience, so they never pass for this. */
export const DEEP_LINK_CONTEXT_AUDIENCE = "urn:autograde:lti:deep-link-context";
const CONTEXT_CLAIM = "deep_link_context";
const RESPONSE_LIFETIME_SECONDS = 300;
const LINE_ITEM_TAG = "autograde";

/** What the deep-linking request told us, carried through the instructor's choice form. */
export const deepLinkContextSchema = z.object({
  registrationId: z.string().min(1, "registrationId must not be empty"),
  issuer: z.string().url("issuer must be a URL"),
  clientId: z.string().min(1, "clientId must not be empty"),
  deploymentId: z.string().min(1, "deploymentId must not be empty"),
  // The response page posts here: a javascript: URL from a hostile platform must never reach it.
  deepLinkReturnUrl: z.string().url("deepLinkReturnUrl must be a URL").refine((u) => !URL.canParse(u) || /^https?:$/.test(new URL(u).protocol), "deepLinkReturnUrl must be http(s)"),
  /** Opaque `data` from deep_linking_settings; the platform expects it echoed back unaltered. */
  data: z.string().optional(),
  acceptMultiple: z.boolean().optional(),
  /** The autograde course of the request's LMS context: the chosen assignment is created there. */
  course: z.string().min(1).optional(),
});
export type DeepLinkContext = z.infer<typeof deepLinkContextSchema>;

export type DeepLinkContextRefusal = "malformed" | "bad_signature" | "expired" | "wrong_purpose" | "invalid_context";

export type DeepLinkContextResult =
  | { readonly ok: true; readonly ctx: DeepLinkContext }
  | { readonly ok: false; readonly reason: DeepLinkContextRefusal; readonly message: string };

function issuesText(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

export async function signDeepLinkContext(
  toolKeys: ToolKeys,
  ctx: DeepLinkContext,
  options: { readonly expiresInSeconds: number; readonly issuedAt?: number },
): Promise<string> {
  const parsed = deepLinkContextSchema.safeParse(ctx);
  if (!parsed.success) throw new Error(`invalid deep link context: ${issuesText(parsed.error)}`);
  const signOptions = options.issuedAt === undefined ? { expiresInSeconds: options.expiresInSeconds } : options;
  return toolKeys.sign({ aud: DEEP_LINK_CONTEXT_AUDIENCE, [CONTEXT_CLAIM]: parsed.data }, signOptions);
}

const refuse = (reason: DeepLinkContextRefusal, message: string): DeepLinkContextResult => ({ ok: false, reason, message });

/** `now` in epoch milliseconds. Verified against the tool's own published keys, so a rotated-out key still works until retired. */
export async function verifyDeepLinkContext(toolKeys: ToolKeys, token: string, now: number = Date.now()): Promise<DeepLinkContextResult> {
  let payload: Record<string, unknown>;
  try {
    ({ payload } = await jwtVerify(token, createLocalJWKSet(toolKeys.jwks()), {
      algorithms: ["RS256"],
      audience: DEEP_LINK_CONTEXT_AUDIENCE,
      requiredClaims: ["exp", "iat"],
      clockTolerance: 5,
      currentDate: new Date(now),
    }));
  } catch (error) {
    if (error instanceof errors.JWTExpired) return refuse("expired", "the deep linking form has expired: start again from the LMS");
    if (error instanceof errors.JWTClaimValidationFailed) {
      if (error.claim === "aud") return refuse("wrong_purpose", "token is not a deep link context");
      return refuse("malformed", error.message);
    }
    if (
      error instanceof errors.JWSSignatureVerificationFailed ||
      error instanceof errors.JWKSNoMatchingKey ||
      error instanceof errors.JOSEAlgNotAllowed ||
      error instanceof errors.JWKSMultipleMatchingKeys
    ) {
      return refuse("bad_signature", `deep link context not signed by this tool (${error.code})`);
    }
    if (error instanceof errors.JOSEError) return refuse("malformed", `deep link context is not a valid JWT: ${error.message}`);
    throw error;
  }
  const parsed = deepLinkContextSchema.safeParse(payload[CONTEXT_CLAIM]);
  if (!parsed.success) return refuse("invalid_context", `deep link context claim invalid: ${issuesText(parsed.error)}`);
  return { ok: true, ctx: parsed.data };
}

export interface DeepLinkItem {
  readonly title: string;
  readonly text?: string;
  /** The tool's launch URL: the platform launches the created link there. */
  readonly url: string;
  readonly scoreMaximum: number;
  /** Gradebook column label; defaults to the title. */
  readonly label?: string;
  /** Lets the tool recognise its column among a platform's line items. */
  readonly resourceId: string;
  /** null: all exercises. */
  readonly exercises: readonly ExerciseId[] | null;
  /** The assignment the link grades, carried in its custom parameters to the first launch, which maps the link to it. */
  readonly assignment?: { readonly course: string; readonly id: string; readonly dueAt: number | null };
}

function contentItem(item: DeepLinkItem, index: number): Record<string, unknown> {
  const where = `items[${index}]`;
  if (item.title.trim().length === 0) throw new Error(`${where}.title must not be empty`);
  if (!URL.canParse(item.url) || !/^https?:$/.test(new URL(item.url).protocol)) {
    throw new Error(`${where}.url must be an http(s) URL, got ${JSON.stringify(item.url)}`);
  }
  if (!Number.isFinite(item.scoreMaximum) || item.scoreMaximum <= 0) {
    throw new Error(`${where}.scoreMaximum must be a positive number, got ${item.scoreMaximum}`);
  }
  if (item.resourceId.length === 0) throw new Error(`${where}.resourceId must not be empty`);
  if (item.exercises !== null) {
    if (item.exercises.length === 0) throw new Error(`${where}.exercises must name at least one exercise (null means all)`);
    if (new Set(item.exercises).size !== item.exercises.length) throw new Error(`${where}.exercises has duplicates`);
  }
  const due = item.assignment?.dueAt ?? null;
  if (due !== null && !Number.isFinite(due)) throw new Error(`${where}.assignment.dueAt must be epoch milliseconds, got ${due}`);
  const endDateTime = due === null ? {} : { endDateTime: new Date(due).toISOString() };
  return {
    type: "ltiResourceLink",
    title: item.title,
    ...(item.text === undefined ? {} : { text: item.text }),
    url: item.url,
    lineItem: { scoreMaximum: item.scoreMaximum, label: item.label ?? item.title, resourceId: item.resourceId, tag: LINE_ITEM_TAG, ...endDateTime },
    ...(due === null ? {} : { submission: endDateTime }),
    custom: {
      exercises: item.exercises === null ? "all" : item.exercises.join(","),
      ...(item.assignment ? { course: item.assignment.course, assignment: item.assignment.id } : {}),
    },
  };
}

export interface BuildDeepLinkingResponseInput {
  readonly toolKeys: ToolKeys;
  readonly ctx: DeepLinkContext;
  /** Empty: the instructor chose nothing, which the spec allows. */
  readonly items: readonly DeepLinkItem[];
  /** Epoch milliseconds. */
  readonly now?: number;
}

/** The signed JWT the tool auto-posts (form field `JWT`) to ctx.deepLinkReturnUrl. */
export async function buildDeepLinkingResponse(input: BuildDeepLinkingResponseInput): Promise<string> {
  const ctx = deepLinkContextSchema.safeParse(input.ctx);
  if (!ctx.success) throw new Error(`invalid deep link context: ${issuesText(ctx.error)}`);
  const { clientId, issuer, deploymentId, data, acceptMultiple } = ctx.data;
  if (acceptMultiple === false && input.items.length > 1) {
    throw new Error(`the platform accepts a single content item, got ${input.items.length}`);
  }
  const payload = {
    iss: clientId,
    aud: issuer,
    nonce: randomUUID(),
    [`${LTI_CLAIM}message_type`]: DEEP_LINKING_RESPONSE_MESSAGE_TYPE,
    [`${LTI_CLAIM}version`]: "1.3.0",
    [`${LTI_CLAIM}deployment_id`]: deploymentId,
    [`${DL_CLAIM}content_items`]: input.items.map(contentItem),
    ...(data === undefined ? {} : { [`${DL_CLAIM}data`]: data }),
  };
  const issuedAt = Math.floor((input.now ?? Date.now()) / 1000);
  return input.toolKeys.sign(payload, { expiresInSeconds: RESPONSE_LIFETIME_SECONDS, issuedAt });
}

export type ParseExercisesResult =
  | { readonly ok: true; readonly exercises: ExerciseId[] | null }
  | { readonly ok: false; readonly reason: "malformed" | "unknown_exercise"; readonly message: string };

/**
 * Turns a launch's `custom.exercises` back into a selection (null: all). A link the LMS admin made
 * by hand has no such parameter and grades everything.
 */
export function parseExercisesCustom(value: unknown, catalogue: readonly ExerciseId[]): ParseExercisesResult {
  if (value === undefined || value === null) return { ok: true, exercises: null };
  if (typeof value !== "string") return { ok: false, reason: "malformed", message: `custom exercises must be a string, got ${typeof value}` };
  if (value.trim() === "all") return { ok: true, exercises: null };
  const names = value.split(",").map((s) => s.trim());
  if (names.some((n) => n.length === 0)) {
    return { ok: false, reason: "malformed", message: `custom exercises ${JSON.stringify(value)} has an empty entry` };
  }
  const unknown = names.filter((n) => !(catalogue as readonly string[]).includes(n));
  if (unknown.length > 0) {
    return { ok: false, reason: "unknown_exercise", message: `unknown exercise(s) ${unknown.map((n) => JSON.stringify(n)).join(", ")}; known: ${catalogue.join(", ")}` };
  }
  return { ok: true, exercises: [...new Set(names as ExerciseId[])] };
}

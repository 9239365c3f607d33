import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { z } from "zod";
import { AGS_CLAIM_ENDPOINT, DEEP_LINKING_SETTINGS_CLAIM, LTI_CLAIM, type PlatformRegistration } from "./registration.ts";

export const LAUNCH_MESSAGE_TYPES = ["LtiResourceLinkRequest", "LtiDeepLinkingRequest"] as const;
export type LaunchMessageType = (typeof LAUNCH_MESSAGE_TYPES)[number];

export type LaunchRefusal =
  | "malformed"
  | "bad_signature"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_azp"
  | "expired"
  | "issued_in_future"
  | "wrong_nonce"
  | "unknown_deployment"
  | "wrong_version"
  | "wrong_message_type"
  | "missing_claim";

export interface AgsEndpoint {
  readonly lineitem: string | null;
  readonly lineitems: string | null;
  readonly scope: readonly string[];
}

export interface Launch {
  /** Unique across platforms: a `sub` is only unique within its issuer. */
  readonly userKey: string;
  readonly issuer: string;
  readonly subject: string;
  readonly deploymentId: string;
  readonly messageType: LaunchMessageType;
  readonly targetLinkUri: string | null;
  readonly resourceLinkId: string | null;
  readonly contextId: string | null;
  /** The LMS course's title (or label): a course created from this context is named after it. */
  readonly contextTitle: string | null;
  readonly roles: readonly string[];
  readonly name: string | null;
  readonly email: string | null;
  readonly ags: AgsEndpoint | null;
  readonly deepLinkReturnUrl: string | null;
  /** Opaque `data` from the deep-linking settings, echoed back unchanged in the response. */
  readonly deepLinkData: string | null;
  /** The custom parameters the link carries (set by the tool at deep linking, or by the LMS admin). */
  readonly custom: Readonly<Record<string, string>>;
}

export type LaunchResult =
  | { readonly ok: true; readonly launch: Launch }
  | { readonly ok: false; readonly reason: LaunchRefusal; readonly message: string };

/** Resolves a platform's key set from its JWKS URL; reuse one resolver so keys are cached between launches. */
export type JwksResolver = (jwksUrl: string) => JWTVerifyGetKey;

export function createJwksResolver(): JwksResolver {
  const sets = new Map<string, JWTVerifyGetKey>();
  return (jwksUrl) => {
    let set = sets.get(jwksUrl);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUrl));
      sets.set(jwksUrl, set);
    }
    return set;
  };
}

export interface VerifyLaunchInput {
  readonly idToken: string;
  readonly registration: PlatformRegistration;
  /** The nonce issued at login for this browser's state; the caller deletes it once used, so a replay finds none. */
  readonly expectedNonce: string;
  readonly fetchJwks?: JwksResolver;
  readonly now?: () => number;
  readonly clockToleranceSeconds?: number;
}

const optionalUrl = z.string().url().optional();
const launchClaims = z.object({
  sub: z.string().min(1, "sub must be a non-empty string"),
  nonce: z.string(),
  [`${LTI_CLAIM}deployment_id`]: z.string(),
  [`${LTI_CLAIM}version`]: z.string(),
  [`${LTI_CLAIM}message_type`]: z.string(),
  [`${LTI_CLAIM}roles`]: z.array(z.string()),
  [`${LTI_CLAIM}target_link_uri`]: optionalUrl,
  [`${LTI_CLAIM}resource_link`]: z.object({ id: z.string().min(1) }).passthrough().optional(),
  [`${LTI_CLAIM}context`]: z.object({ id: z.string().min(1), title: z.string().optional(), label: z.string().optional() }).passthrough().optional(),
  [`${LTI_CLAIM}custom`]: z.record(z.string(), z.unknown()).optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  [AGS_CLAIM_ENDPOINT]: z
    .object({ lineitem: optionalUrl, lineitems: optionalUrl, scope: z.array(z.string()).default([]) })
    .optional(),
  [DEEP_LINKING_SETTINGS_CLAIM]: z.object({ deep_link_return_url: z.string().url(), data: z.string().optional() }).passthrough().optional(),
});

/** Platforms send custom values as strings; anything else is ignored rather than coerced. */
function customStrings(raw: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(raw ?? {})) if (typeof value === "string") out[key] = value;
  return out;
}

function contextTitleOf(context: { title?: string | undefined; label?: string | undefined } | undefined): string | null {
  const title = context?.title?.trim() || context?.label?.trim();
  return title ? title.slice(0, 200) : null;
}

const refuse = (reason: LaunchRefusal, message: string): LaunchResult => ({ ok: false, reason, message });

function refusalFromJose(error: unknown): LaunchResult {
  if (error instanceof errors.JWTExpired) return refuse("expired", `id_token has expired: ${error.message}`);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return refuse("wrong_issuer", `issuer does not match the registration: ${error.message}`);
    if (error.claim === "aud") return refuse("wrong_audience", "audience does not contain this tool's client id");
    if (error.claim === "iat" && error.reason === "check_failed") return refuse("issued_in_future", "id_token iat is in the future");
    if (error.reason === "missing") return refuse("missing_claim", error.message);
    return refuse("malformed", error.message);
  }
  if (
    error instanceof errors.JWSSignatureVerificationFailed ||
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JOSEAlgNotAllowed
  ) {
    return refuse("bad_signature", `signature not verified against the platform's keys (${error.code})`);
  }
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) {
    return refuse("malformed", `id_token is not a valid JWT: ${error.message}`);
  }
  // JWKS fetch failures and timeouts are the platform's or network's fault, not the student's: throw.
  throw error;
}

/** Verifies an LTI 1.3 id_token; refusals are data, only infrastructure failures (unreachable JWKS) throw. */
export async function verifyLaunch(input: VerifyLaunchInput): Promise<LaunchResult> {
  const { registration } = input;
  const resolve = input.fetchJwks ?? createJwksResolver();
  const now = input.now ?? Date.now;
  const tolerance = input.clockToleranceSeconds ?? 60;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(input.idToken, resolve(registration.jwksUrl), {
      algorithms: ["RS256"],
      issuer: registration.issuer,
      audience: registration.clientId,
      requiredClaims: ["exp", "iat", "sub", "nonce"],
      maxTokenAge: "10 minutes",
      clockTolerance: tolerance,
      currentDate: new Date(now()),
    }));
  } catch (error) {
    return refusalFromJose(error);
  }

  const audiences = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  if ((audiences.length > 1 || payload.azp !== undefined) && payload.azp !== registration.clientId) {
    return refuse("wrong_azp", "azp must name this tool's client id when present or when there are several audiences");
  }
  if (payload.nonce !== input.expectedNonce) return refuse("wrong_nonce", "nonce does not match this login (replayed or forged)");

  const parsed = launchClaims.safeParse(payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return refuse("missing_claim", `claim ${issue?.path.join(".") ?? "?"}: ${issue?.message ?? "invalid"}`);
  }
  const claims = parsed.data;
  const version = claims[`${LTI_CLAIM}version`];
  if (version !== "1.3.0") return refuse("wrong_version", `LTI version must be 1.3.0, got ${JSON.stringify(version)}`);
  const deploymentId = claims[`${LTI_CLAIM}deployment_id`];
  if (!registration.deploymentIds.includes(deploymentId)) {
    return refuse("unknown_deployment", `deployment ${JSON.stringify(deploymentId)} is not registered for this platform`);
  }
  const messageType = claims[`${LTI_CLAIM}message_type`];
  if (!(LAUNCH_MESSAGE_TYPES as readonly string[]).includes(messageType)) {
    return refuse("wrong_message_type", `unsupported message type ${JSON.stringify(messageType)}`);
  }
  const resourceLink = claims[`${LTI_CLAIM}resource_link`];
  if (messageType === "LtiResourceLinkRequest" && !resourceLink) {
    return refuse("missing_claim", "resource link launches need the resource_link claim");
  }
  const deepLinking = claims[DEEP_LINKING_SETTINGS_CLAIM];
  if (messageType === "LtiDeepLinkingRequest" && !deepLinking) {
    return refuse("missing_claim", "deep linking requests need the deep_linking_settings claim");
  }
  const ags = claims[AGS_CLAIM_ENDPOINT];
  const issuer = registration.issuer;

  return {
    ok: true,
    launch: {
      // An OIDC issuer has no fragment, so "#" cannot be ambiguous.
      userKey: `${issuer}#${claims.sub}`,
      issuer,
      subject: claims.sub,
      deploymentId,
      messageType: messageType as LaunchMessageType,
      targetLinkUri: claims[`${LTI_CLAIM}target_link_uri`] ?? null,
      resourceLinkId: resourceLink?.id ?? null,
      contextId: claims[`${LTI_CLAIM}context`]?.id ?? null,
      contextTitle: contextTitleOf(claims[`${LTI_CLAIM}context`]),
      roles: claims[`${LTI_CLAIM}roles`],
      name: claims.name ?? null,
      email: claims.email ?? null,
      ags: ags ? { lineitem: ags.lineitem ?? null, lineitems: ags.lineitems ?? null, scope: ags.scope } : null,
      deepLinkReturnUrl: deepLinking?.deep_link_return_url ?? null,
      deepLinkData: deepLinking?.data ?? null,
      custom: customStrings(claims[`${LTI_CLAIM}custom`]),
    },
  };
}

export interface LoginRedirectInput {
  readonly registration: PlatformRegistration;
  readonly loginHint: string;
  readonly ltiMessageHint?: string;
  readonly targetLinkUri: string;
  /** Where the platform posts the id_token; defaults to the target link. */
  readonly redirectUri?: string;
  readonly state: string;
  readonly nonce: string;
}

/** The OIDC authentication request the tool sends the browser to after a third-party login initiation. */
export function buildLoginRedirect(input: LoginRedirectInput): string {
  for (const [name, value] of [["loginHint", input.loginHint], ["state", input.state], ["nonce", input.nonce]] as const) {
    if (value.length === 0) throw new Error(`${name} must not be empty`);
  }
  const url = new URL(input.registration.authLoginUrl);
  const params: Record<string, string> = {
    scope: "openid",
    response_type: "id_token",
    response_mode: "form_post",
    prompt: "none",
    client_id: input.registration.clientId,
    redirect_uri: input.redirectUri ?? input.targetLinkUri,
    login_hint: input.loginHint,
    state: input.state,
    nonce: input.nonce,
  };
  if (input.ltiMessageHint !== undefined) params.lti_message_hint = input.ltiMessageHint;
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

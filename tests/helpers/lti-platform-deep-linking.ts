import { errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { LTI_CLAIM } from "../../server/lti/registration.ts";

/** The test platform's deep-linking return endpoint: what an LMS checks and creates when a tool answers. */
export interface PlatformLineItem {
  readonly id: string;
  readonly label: string;
  readonly scoreMaximum: number;
  readonly resourceId?: string;
  readonly tag?: string;
  readonly resourceLinkId: string;
}

export interface PlatformResourceLink {
  readonly id: string;
  readonly title?: string;
  readonly url: string;
  readonly custom: Readonly<Record<string, string>>;
  readonly lineItemUrl: string | null;
}

export interface DeepLinkResponseRecord {
  readonly ok: boolean;
  /** The failed check, e.g. "signature", "aud", "content_items". */
  readonly error?: string;
  readonly payload?: JWTPayload;
}

export type DeepLinkReturnAnswer =
  | { readonly status: 200; readonly html: string }
  | { readonly status: 400; readonly json: { error: string; check: string; error_description: string } };

export interface DeepLinkReturn {
  readonly lineItems: PlatformLineItem[];
  readonly resourceLinks: PlatformResourceLink[];
  readonly responses: DeepLinkResponseRecord[];
  /** Remembers `data` sent in a deep-linking request: only such data may come back. */
  issueData(data: string): void;
  receive(formBody: string): Promise<DeepLinkReturnAnswer>;
}

const DL_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/";

export const isHttpUrl = (value: unknown): value is string =>
  typeof value === "string" && URL.canParse(value) && /^https?:$/.test(new URL(value).protocol);

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

interface CheckedItem {
  readonly title?: string;
  readonly url: string;
  readonly custom?: Record<string, string>;
  readonly lineItem?: { scoreMaximum: number; label?: string; resourceId?: string; tag?: string };
}

/** Null when the item is acceptable, else what is wrong with it. */
function contentItemProblem(item: unknown): string | null {
  if (!isRecord(item)) return "not an object";
  if (item.type !== "ltiResourceLink") return `type ${JSON.stringify(item.type)} is not ltiResourceLink`;
  if (!isHttpUrl(item.url)) return "url missing or not http(s)";
  if (item.title !== undefined && typeof item.title !== "string") return "title must be a string";
  if (item.custom !== undefined && (!isRecord(item.custom) || Object.values(item.custom).some((v) => typeof v !== "string"))) {
    return "custom values must be strings";
  }
  const lineItem = item.lineItem;
  if (lineItem === undefined) return null;
  if (!isRecord(lineItem)) return "lineItem not an object";
  if (typeof lineItem.scoreMaximum !== "number" || !(lineItem.scoreMaximum > 0)) return "lineItem.scoreMaximum must be a positive number";
  for (const key of ["label", "resourceId", "tag"]) {
    if (lineItem[key] !== undefined && typeof lineItem[key] !== "string") return `lineItem.${key} must be a string`;
  }
  return null;
}

export function createDeepLinkReturn(options: {
  readonly clientId: string;
  readonly deploymentId: string;
  /** The platform's issuer, known once it listens. */
  readonly issuer: () => string;
  readonly toolKeySet: () => JWTVerifyGetKey;
}): DeepLinkReturn {
  const lineItems: PlatformLineItem[] = [];
  const resourceLinks: PlatformResourceLink[] = [];
  const responses: DeepLinkResponseRecord[] = [];
  const seenNonces = new Set<string>();
  const issuedData = new Set<string>();

  async function receive(formBody: string): Promise<DeepLinkReturnAnswer> {
    const fail = (check: string, description: string, payload?: JWTPayload): DeepLinkReturnAnswer => {
      responses.push({ ok: false, error: check, ...(payload ? { payload } : {}) });
      return { status: 400, json: { error: "invalid_request", check, error_description: description } };
    };
    const jwt = new URLSearchParams(formBody).get("JWT");
    if (!jwt) return fail("JWT", "form field JWT is missing");
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(jwt, options.toolKeySet(), {
        algorithms: ["RS256"],
        issuer: options.clientId,
        audience: options.issuer(),
        requiredClaims: ["iat", "exp", "nonce"],
      }));
    } catch (error) {
      if (error instanceof errors.JWTClaimValidationFailed) return fail(error.claim, error.message);
      if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
        return fail("signature", `not signed by a key in the tool's JWKS (${error.code})`);
      }
      return fail("jwt", (error as Error).message);
    }
    const claim = (name: string): unknown => payload[`${LTI_CLAIM}${name}`];
    if (claim("message_type") !== "LtiDeepLinkingResponse") return fail("message_type", "message_type must be LtiDeepLinkingResponse", payload);
    if (claim("version") !== "1.3.0") return fail("version", "version must be 1.3.0", payload);
    if (claim("deployment_id") !== options.deploymentId) {
      return fail("deployment_id", `unknown deployment ${JSON.stringify(claim("deployment_id"))}`, payload);
    }
    const nonce = String(payload.nonce);
    if (seenNonces.has(nonce)) return fail("nonce", "nonce replayed", payload);
    const data = payload[`${DL_CLAIM}data`];
    if (data !== undefined && !issuedData.has(data as string)) return fail("data", "data claim is not one this platform sent", payload);
    const items = payload[`${DL_CLAIM}content_items`] ?? [];
    if (!Array.isArray(items)) return fail("content_items", "content_items must be an array", payload);
    for (const [i, item] of items.entries()) {
      const problem = contentItemProblem(item);
      if (problem) return fail("content_items", `content_items[${i}]: ${problem}`, payload);
    }
    seenNonces.add(nonce);
    for (const item of items as CheckedItem[]) {
      const resourceLinkId = `resource-link-${resourceLinks.length + 1}`;
      let lineItemUrl: string | null = null;
      if (item.lineItem) {
        lineItemUrl = `${options.issuer()}/lineitems/${lineItems.length + 1}`;
        const { scoreMaximum, label, resourceId, tag } = item.lineItem;
        lineItems.push({
          id: lineItemUrl,
          label: label ?? item.title ?? "",
          scoreMaximum,
          ...(resourceId === undefined ? {} : { resourceId }),
          ...(tag === undefined ? {} : { tag }),
          resourceLinkId,
        });
      }
      resourceLinks.push({ id: resourceLinkId, ...(item.title === undefined ? {} : { title: item.title }), url: item.url, custom: { ...item.custom }, lineItemUrl });
    }
    responses.push({ ok: true, payload });
    return { status: 200, html: `<!DOCTYPE html><html><body><p>${items.length} item(s) added to the course.</p></body></html>` };
  }

  return { lineItems, resourceLinks, responses, issueData: (data) => void issuedData.add(data), receive };
}

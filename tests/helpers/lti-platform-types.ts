import type { JSONWebKeySet, JWTPayload } from "jose";
import type { PlatformRegistration } from "../../server/lti/registration.ts";
import type { CoursePresentation } from "./lti-platform-course.ts";
import type { DeepLinkResponseRecord, PlatformLineItem, PlatformResourceLink } from "./lti-platform-deep-linking.ts";
import type { StorageMode } from "./lti-platform-storage.ts";

/** The test platform's public surface (see startTestPlatform in lti-platform.ts). */
export interface ReceivedScore {
  readonly path: string;
  readonly query: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface AuthRequestRecord {
  readonly method: string;
  readonly params: Readonly<Record<string, string>>;
  readonly ok: boolean;
  /** The failed check, e.g. "redirect_uri". */
  readonly error?: string;
}

export interface TestPlatform {
  readonly url: string;
  readonly registration: PlatformRegistration;
  readonly deepLinkReturnUrl: string;
  /** kid: the tool key that signed an accepted client assertion. */
  readonly tokenRequests: { readonly ok: boolean; readonly error?: string; readonly kid?: string }[];
  readonly scores: ReceivedScore[];
  readonly authRequests: AuthRequestRecord[];
  readonly deepLinkResponses: DeepLinkResponseRecord[];
  readonly lineItems: PlatformLineItem[];
  /** In creation order: index i is what resourceLinkClaims(i) launches. */
  readonly resourceLinks: PlatformResourceLink[];
  /** Statuses to answer the next score posts with before accepting (e.g. [500] fails once). */
  scriptScoreStatuses(statuses: number[]): void;
  /** Forgets every access token issued so far, as a platform does when it revokes them early. */
  revokeTokens(): void;
  signIdToken(claims: JWTPayload, opts?: { expiresInSeconds?: number; issuedAt?: number; signWith?: "platform" | "stranger" }): Promise<string>;
  launchClaims(overrides?: Record<string, unknown>): JWTPayload;
  /** An instructor's LtiDeepLinkingRequest returning to /deep-link-return; a given `data` must come back echoed. */
  deepLinkingClaims(opts?: { data?: string; acceptMultiple?: boolean; overrides?: Record<string, unknown> }): JWTPayload;
  /** A launch of a link created by deep linking: its line item in the AGS claim, its custom params. */
  resourceLinkClaims(linkIndex: number, overrides?: Record<string, unknown>): JWTPayload;
  /** What /auth signs (with the request's nonce) for this login hint, until prepared again. */
  prepareLaunch(launch: { loginHint: string; messageHint?: string; claims: JWTPayload }): void;
  /** The third-party login initiation a platform sends the browser to, as a GET URL or POST form fields; `storageTarget` offers platform storage. */
  loginInitiation(toolLoginUrl: string, opts: { loginHint: string; messageHint?: string; targetLinkUri: string; storageTarget?: string }): { url: string; form: Record<string, string> };
  /**
   * The course page launching the prepared login hint (needs toolLoginUrl and toolLaunchUrl); `hostname` serves it under
   * another name, e.g. "localhost"; `storage` offers platform storage from a frame on the platform's own origin.
   */
  courseUrl(loginHint: string, opts?: { hostname?: string; presentation?: CoursePresentation; storage?: StorageMode }): string;
  close(): Promise<void>;
}

export interface TestPlatformOptions {
  /** The tool's public keys, read at each use (so rotation is seen)... */
  readonly toolJwks?: () => JSONWebKeySet;
  /** ...or the tool's live JWKS URL (a function when the tool starts after the platform). */
  readonly toolJwksUrl?: string | (() => string);
  /**
   * How long the platform refuses to refetch that keyset after a fetch, even for an unknown kid
   * (jose's default is 30 s): a caching LMS, which a key rotation must outwait.
   */
  readonly toolJwksCooldownMs?: number;
  readonly clientId?: string;
  /** redirect_uri values /auth accepts; omitted: any http(s) URL. */
  readonly redirectUris?: readonly string[];
  /** Where the course page posts its login initiation, and the target_link_uri it names. */
  readonly toolLoginUrl?: string | (() => string);
  readonly toolLaunchUrl?: string | (() => string);
}

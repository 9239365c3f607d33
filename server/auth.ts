import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApiRole, StaticApiKey } from "./config.ts";
import { ApiError } from "./errors.ts";
import type { LtiStorage } from "./storage/lti-types.ts";
import type { KeyStorage } from "./storage/types.ts";

/** How the principal authenticated: an API key (configured or stored), or an LTI launch's session. */
export type PrincipalOrigin = "api_key" | "lti";

export interface Principal {
  readonly role: ApiRole;
  /**
   * An LTI launch says only what the user is in one LMS context, which a student can create
   * (a sandbox course): its staff are course staff, never administrators of the service.
   */
  readonly origin: PrincipalOrigin;
  /** For students, the identity their submissions are filed under. */
  readonly name: string;
  /** Stable per key: rate limits and idempotency keys are scoped to it. */
  readonly keyId: string;
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

export function generateSecret(): string {
  return `ag_${randomBytes(24).toString("base64url")}`;
}

/** LTI launch tokens carry their own prefix so they are looked up among sessions only. */
export const LAUNCH_TOKEN_PREFIX = "lti_";

export function generateLaunchToken(): string {
  return `${LAUNCH_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** Bearer token from an Authorization header, or null when absent or malformed. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match ? match[1]! : null;
}

export function createAuthenticator({ staticKeys, storage, now = Date.now }: { staticKeys: readonly StaticApiKey[]; storage: Pick<KeyStorage, "findApiKeyByHash"> & Pick<LtiStorage, "findLtiSession">; now?: () => number }) {
  const configured = staticKeys.map((key) => ({
    principal: { role: key.role, name: key.name, keyId: `env:${key.role}:${key.name}`, origin: "api_key" } satisfies Principal,
    digest: Buffer.from(hashSecret(key.secret), "hex"),
  }));

  return async function authenticate(secret: string): Promise<Principal | null> {
    const hash = hashSecret(secret);
    if (secret.startsWith(LAUNCH_TOKEN_PREFIX)) {
      const session = await storage.findLtiSession(hash, now());
      // Keyed by the user, not the session: a student launching twice shares one rate limit.
      return session ? { role: session.role, name: session.student, keyId: `lti:${session.student}`, origin: "lti" } : null;
    }
    const digest = Buffer.from(hash, "hex");
    // Compare against every configured key so the time taken does not say which one matched.
    let found: Principal | null = null;
    for (const key of configured) {
      if (timingSafeEqual(key.digest, digest)) found = key.principal;
    }
    if (found) return found;
    // Stored keys are looked up by their SHA-256: the index lookup reveals nothing usable about the secret.
    const stored = await storage.findApiKeyByHash(hash);
    return stored ? { role: stored.role, name: stored.name, keyId: stored.id, origin: "api_key" } : null;
  };
}

/**
 * Administration of the service (LTI keys and registrations, webhooks, the LTI user list and
 * publications): staff API keys alone. Course staff (an LTI Instructor or TA launch) keep the
 * gradebook, submissions and regrades.
 */
export function requireStaff(principal: Principal): void {
  if (principal.role !== "staff") throw new ApiError(403, "forbidden", "this needs a staff key");
}

export const isAdmin = (principal: Principal): boolean => principal.role === "staff" && principal.origin === "api_key";

export function requireAdmin(principal: Principal): void {
  if (isAdmin(principal)) return;
  const message = principal.role === "staff" && principal.origin === "lti"
    ? "a course launch gives course-staff rights (gradebook, submissions, regrades) only; service administration needs a staff API key"
    : "this needs a staff API key";
  throw new ApiError(403, "forbidden", message, { needs: "staff_api_key" });
}

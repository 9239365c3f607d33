import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { LtiPlatformStorageBinding } from "../storage/lti-types.ts";

/** Which binding a launch's state had, as the launch log names it. */
export type StateBinding = "platform_storage" | "none";

/** A fresh secret for the login page to put into the platform's storage; only its hash is kept. */
export function createStorageBinding(target: string): { readonly value: string; readonly binding: LtiPlatformStorageBinding } {
  const value = randomBytes(24).toString("base64url");
  return { value, binding: { target, valueHash: hashValue(value) } };
}

const hashValue = (value: string): string => createHash("sha256").update(value, "utf8").digest("hex");

export function storageValueMatches(binding: LtiPlatformStorageBinding, value: string | undefined): boolean {
  if (value === undefined || value === "") return false;
  const expected = Buffer.from(binding.valueHash, "hex");
  const got = Buffer.from(hashValue(value), "hex");
  return expected.length === got.length && timingSafeEqual(expected, got);
}

export type SameOriginVerdict = { readonly ok: true } | { readonly ok: false; readonly message: string };

/**
 * Whether a request was made by one of the tool's own pages. The platform storage secret is known to
 * whoever ran the login (the attacker included), so the continuation that carries it must be one an
 * attacker's page cannot make a victim's browser send: browsers mark a cross-site post in
 * Sec-Fetch-Site and Origin, and a page cannot forge either. A request with neither is not a browser's.
 */
export function fromToolPage(headers: Readonly<Record<string, string | string[] | undefined>>, toolOrigin: string): SameOriginVerdict {
  const site = headers["sec-fetch-site"];
  const origin = headers.origin;
  if (site !== undefined && site !== "same-origin") return { ok: false, message: `the sign-in must be completed by autograde's own page, not from another site (Sec-Fetch-Site: ${String(site)})` };
  if (origin !== undefined && origin !== toolOrigin) return { ok: false, message: `the sign-in must be completed by autograde's own page, not from ${String(origin)}` };
  if (site === undefined && origin === undefined) return { ok: false, message: "the sign-in must be completed by autograde's own page: the request carried neither Origin nor Sec-Fetch-Site" };
  return { ok: true };
}

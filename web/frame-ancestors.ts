// The origins the page's CSP `frame-ancestors` may name. Defined here, beside the policy that uses
// it, so the web plugin depends on nothing of the server's; server/config.ts checks
// AUTOGRADE_LTI_FRAME_ANCESTORS against the same rule.

/** https anywhere; plain http only on this machine, for an LMS run locally while setting up. */
export const FRAME_ANCESTOR_ORIGIN = /^(https:\/\/[A-Za-z0-9.-]+|http:\/\/(localhost|127\.0\.0\.1))(:\d+)?$/;

import type { FastifyRequest } from "fastify";

/** The URLs an LMS admin enters when registering the tool; one place so routes and docs agree. */
export interface ToolUrls {
  readonly origin: string;
  /** OIDC third-party login initiation (GET or POST). */
  readonly loginUrl: string;
  /** redirect_uri and target_link_uri: the id_token is posted here. */
  readonly launchUrl: string;
  /** Where the instructor's deep-linking choice is posted before the response goes back to the LMS. */
  readonly deepLinkUrl: string;
  readonly jwksUrl: string;
}

export function toolUrls(origin: string): ToolUrls {
  const base = origin.replace(/\/+$/, "");
  return {
    origin: base,
    loginUrl: `${base}/lti/login`,
    launchUrl: `${base}/lti/launch`,
    deepLinkUrl: `${base}/lti/deep-link`,
    jwksUrl: `${base}/.well-known/jwks.json`,
  };
}

/** The configured public origin, else the one this request was addressed to. */
export function publicOrigin(publicUrl: string | undefined, request: FastifyRequest): string {
  return publicUrl ?? `${request.protocol}://${request.host}`;
}

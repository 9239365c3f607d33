import { z } from "zod";

/** What the tool knows about one LMS (platform) it is installed in; the lead will store these. */
export const platformRegistrationSchema = z.object({
  issuer: z.string().url("issuer must be a URL"),
  clientId: z.string().min(1, "clientId must not be empty"),
  deploymentIds: z.array(z.string().min(1)).min(1, "at least one deployment id is required"),
  /** The platform's OIDC authorization endpoint, where the login step redirects the browser. */
  authLoginUrl: z.string().url("authLoginUrl must be a URL"),
  authTokenUrl: z.string().url("authTokenUrl must be a URL"),
  jwksUrl: z.string().url("jwksUrl must be a URL"),
});
export type PlatformRegistration = z.infer<typeof platformRegistrationSchema>;

export const LTI_CLAIM = "https://purl.imsglobal.org/spec/lti/claim/";
export const AGS_CLAIM_ENDPOINT = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint";
export const DEEP_LINKING_SETTINGS_CLAIM = "https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings";
export const AGS_SCORE_SCOPE = "https://purl.imsglobal.org/spec/lti-ags/scope/score";

import { z } from "zod";
import { principalName } from "../config.ts";
import type { LtiPublicationState } from "../storage/lti-types.ts";
import { platformRegistrationSchema } from "./registration.ts";

/** Request and response shapes of the staff LTI administration API (server/routes/lti-admin.ts). */

export const toolConfiguration = z.object({
  loginUrl: z.string().describe("OIDC login initiation URL (GET or POST)"),
  launchUrl: z.string().describe("Redirect URI and target link URI: the platform posts the id_token here"),
  deepLinkingRequestUrl: z.string().describe("The deep linking (content selection) URL to enter in the LMS: the platform posts deep-linking requests to the launch URL like any launch"),
  deepLinkUrl: z.string().describe("Where autograde's own deep-linking form posts the instructor's choice; nothing to enter in the LMS"),
  jwksUrl: z.string().describe("Public keyset URL: the platform verifies the tool's signed messages with it"),
  currentKid: z.string().describe("The key id messages are signed with now"),
  nextKid: z.string().nullable().describe("A rotated key already published that signs from nextSignsFrom; null when none is pending"),
  nextSignsFrom: z.iso.datetime().nullable().describe("When nextKid starts signing; null when no key is pending"),
  publishedKids: z.array(z.string()).describe("Every key id in the JWKS, the current and pending ones included"),
});
export type ToolConfiguration = z.infer<typeof toolConfiguration>;

/** Bounds on what a staff request may make the service store and echo back; no platform needs more. */
export const MAX_DEPLOYMENT_IDS = 100;
const deploymentIdList = z
  .array(z.string().min(1).max(255, "each deployment id must be at most 255 characters"))
  .min(1, "at least one deployment id is required")
  .max(MAX_DEPLOYMENT_IDS, `at most ${MAX_DEPLOYMENT_IDS} deployment ids`);
const urlField = (name: "issuer" | "authLoginUrl" | "authTokenUrl" | "jwksUrl") =>
  platformRegistrationSchema.shape[name].max(2048, `${name} must be at most 2048 characters`);

export const registrationRequest = platformRegistrationSchema.extend({
  issuer: urlField("issuer"),
  clientId: platformRegistrationSchema.shape.clientId.max(255, "clientId must be at most 255 characters"),
  deploymentIds: deploymentIdList,
  authLoginUrl: urlField("authLoginUrl"),
  authTokenUrl: urlField("authTokenUrl"),
  jwksUrl: urlField("jwksUrl"),
});

export const registrationView = platformRegistrationSchema.extend({
  id: z.string(),
  createdAt: z.iso.datetime(),
});
export type RegistrationView = z.infer<typeof registrationView>;

export const registrationList = z.object({ registrations: z.array(registrationView) });

export const registrationParams = z.object({ id: z.string().min(1, "id must name a registration").max(200) });

export const deploymentsRequest = z.strictObject({
  deploymentIds: deploymentIdList.describe("Replaces the registration's deployment ids"),
});

export const keyParams = z.object({ kid: z.string().min(1, "kid must name a key").max(200) });

export const keyRotation = z.object({
  newKid: z.string().describe("Published at once; the previous key keeps signing until signsFrom"),
  signsFrom: z.iso.datetime().describe("When the new key starts signing: platforms that cached the JWKS have refetched it by then"),
  publishedKids: z.array(z.string()),
});
export const keyRetirement = z.object({ publishedKids: z.array(z.string()) });

export const LTI_PUBLICATION_STATES = ["pending", "published", "failed"] as const satisfies readonly LtiPublicationState[];

export const publicationQuery = z.object({
  student: principalName.optional(),
  submission: z.uuid({ error: "submission must be a submission id (UUID)" }).optional(),
  state: z.enum(LTI_PUBLICATION_STATES, { error: `state must be one of ${LTI_PUBLICATION_STATES.join(", ")}` }).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Newest first"),
});

export const publicationView = z.object({
  id: z.string(),
  student: z.string(),
  registrationId: z.string(),
  lineItemUrl: z.string(),
  submissionId: z.string(),
  gradingAttempt: z.number().int(),
  scoreGiven: z.number(),
  scoreMaximum: z.number(),
  state: z.enum(LTI_PUBLICATION_STATES),
  attempts: z.number().int(),
  statusCode: z.number().int().nullable(),
  error: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export const publicationList = z.object({ publications: z.array(publicationView) });

export const ltiUserView = z.object({
  userKey: z.string(),
  student: z.string().describe("The name this user's submissions are filed under"),
  issuer: z.string(),
  subject: z.string(),
  name: z.string().nullable(),
  email: z.string().nullable(),
  createdAt: z.iso.datetime(),
  lastLaunchAt: z.iso.datetime(),
});
export const ltiUserList = z.object({ users: z.array(ltiUserView) });

export const registrationRemoved = z.null().describe("No content");

/** Links one more LMS context (a section, a copy of the course) to an existing autograde course. */
export const contextLinkRequest = z.strictObject({
  issuer: z.string().url("issuer must be a URL").max(2048),
  contextId: z.string().min(1, "contextId must not be empty").max(255),
  course: z.string().min(1, "course must name a course").max(200),
});
export const contextLinkView = contextLinkRequest.extend({
  created: z.boolean().describe("false when the context already pointed at this course"),
});

import type { JWTPayload } from "jose";
import { AGS_CLAIM_ENDPOINT, AGS_SCORE_SCOPE, DEEP_LINKING_SETTINGS_CLAIM, LTI_CLAIM } from "../../server/lti/registration.ts";
import type { PlatformResourceLink } from "./lti-platform-deep-linking.ts";

/** The id_token claim sets the test platform signs: a student's launch, an instructor's deep linking request, a created link's launch. */
export interface ClaimBuilders {
  launchClaims(overrides?: Record<string, unknown>): JWTPayload;
  deepLinkingClaims(opts?: { data?: string; acceptMultiple?: boolean; overrides?: Record<string, unknown> }): JWTPayload;
  resourceLinkClaims(linkIndex: number, overrides?: Record<string, unknown>): JWTPayload;
}

export function createClaimBuilders(options: {
  readonly baseUrl: () => string;
  readonly clientId: string;
  readonly deploymentId: string;
  readonly resourceLinks: readonly PlatformResourceLink[];
  readonly issueData: (data: string) => void;
}): ClaimBuilders {
  const agsEndpoint = (lineitem: string | null) => ({
    scope: [AGS_SCORE_SCOPE],
    lineitems: `${options.baseUrl()}/lineitems`,
    ...(lineitem === null ? {} : { lineitem }),
  });

  const launchClaims = (overrides: Record<string, unknown> = {}): JWTPayload => ({
    iss: options.baseUrl(),
    aud: options.clientId,
    sub: "student-42",
    nonce: "nonce-1",
    name: "Ada Lovelace",
    [`${LTI_CLAIM}deployment_id`]: options.deploymentId,
    [`${LTI_CLAIM}version`]: "1.3.0",
    [`${LTI_CLAIM}message_type`]: "LtiResourceLinkRequest",
    [`${LTI_CLAIM}roles`]: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
    [`${LTI_CLAIM}target_link_uri`]: "https://autograde.example/lti/launch",
    [`${LTI_CLAIM}resource_link`]: { id: "link-7" },
    [`${LTI_CLAIM}context`]: { id: "course-3" },
    [AGS_CLAIM_ENDPOINT]: agsEndpoint(`${options.baseUrl()}/lineitems/9`),
    ...overrides,
  });

  return {
    launchClaims,
    deepLinkingClaims(opts = {}) {
      if (opts.data !== undefined) options.issueData(opts.data);
      return launchClaims({
        sub: "teacher-1",
        name: "Grace Hopper",
        [`${LTI_CLAIM}message_type`]: "LtiDeepLinkingRequest",
        [`${LTI_CLAIM}roles`]: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"],
        [`${LTI_CLAIM}resource_link`]: undefined,
        [AGS_CLAIM_ENDPOINT]: agsEndpoint(null),
        [DEEP_LINKING_SETTINGS_CLAIM]: {
          deep_link_return_url: `${options.baseUrl()}/deep-link-return`,
          accept_types: ["ltiResourceLink"],
          accept_presentation_document_targets: ["iframe", "window"],
          accept_multiple: opts.acceptMultiple ?? false,
          accept_lineitem: true,
          auto_create: true,
          ...(opts.data === undefined ? {} : { data: opts.data }),
        },
        ...opts.overrides,
      });
    },
    resourceLinkClaims(linkIndex, overrides = {}) {
      const link = options.resourceLinks[linkIndex];
      if (!link) throw new RangeError(`no resource link ${linkIndex}: ${options.resourceLinks.length} created so far`);
      return launchClaims({
        [`${LTI_CLAIM}resource_link`]: { id: link.id, ...(link.title === undefined ? {} : { title: link.title }) },
        [`${LTI_CLAIM}target_link_uri`]: link.url,
        [`${LTI_CLAIM}custom`]: { ...link.custom },
        [AGS_CLAIM_ENDPOINT]: agsEndpoint(link.lineItemUrl),
        ...overrides,
      });
    },
  };
}

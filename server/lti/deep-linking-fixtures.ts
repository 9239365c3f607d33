import type { DeepLinkContext, DeepLinkItem } from "./deep-linking.ts";

/** Shared by the deep-linking unit and platform tests. */
export const LAUNCH_URL = "https://autograde.example/lti/launch";

export const deepLinkContext = (overrides: Partial<DeepLinkContext> = {}): DeepLinkContext => ({
  registrationId: "reg-1",
  issuer: "https://lms.example",
  clientId: "autograde-client",
  deploymentId: "deployment-1",
  deepLinkReturnUrl: "https://lms.example/deep-link-return",
  ...overrides,
});

export const deepLinkItem = (overrides: Partial<DeepLinkItem> = {}): DeepLinkItem => ({
  title: "Padding and convolution",
  url: LAUNCH_URL,
  scoreMaximum: 30,
  resourceId: "autograde:zero_pad,conv_forward",
  exercises: ["zero_pad", "conv_forward"],
  ...overrides,
});

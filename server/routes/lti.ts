import { createHash, randomBytes, randomUUID } from "node:crypto";
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { AppDeps } from "../app-deps.ts";
import { generateLaunchToken, hashSecret } from "../auth.ts";
import { ApiError } from "../errors.ts";
import { AGS_LINEITEM_READ_SCOPE, AGS_LINEITEM_SCOPE, createAgsClient } from "../lti/ags.ts";
import { assignmentForLaunch, courseForLaunch, sessionRoleOf } from "../lti/course-link.ts";
import { createDeepLinkFlow } from "../lti/deep-link-flow.ts";
import { parseExercisesCustom } from "../lti/deep-linking.ts";
import { buildLoginRedirect, createJwksResolver, verifyLaunch, type Launch } from "../lti/launch.ts";
import type { Page } from "../lti/pages.ts";
import { createStorageBinding, fromToolPage, storageValueMatches, type StateBinding } from "../lti/storage-binding.ts";
import { platformStorageKey, storageLaunchPage, storageLoginPage, STORAGE_VALUE_FIELD } from "../lti/storage-pages.ts";
import { AGS_SCORE_SCOPE } from "../lti/registration.ts";
import { publicOrigin, toolUrls } from "../lti/urls.ts";
import { DEFAULT_ASSIGNMENT, DEFAULT_COURSE } from "../storage/course-types.ts";
import type { LtiLoginState, LtiRegistrationRecord } from "../storage/lti-types.ts";

const loginParams = z.object({
  iss: z.string().min(1, "iss is required"),
  login_hint: z.string().min(1, "login_hint is required"),
  target_link_uri: z.string().url("target_link_uri must be a URL"),
  lti_message_hint: z.string().optional(),
  client_id: z.string().min(1).optional(),
  lti_deployment_id: z.string().min(1).optional(),
  /** The platform offers postMessage storage in this frame (`_parent`: the window itself). */
  lti_storage_target: z.string().min(1).max(256).optional(),
});
const launchBody = z.object({
  id_token: z.string().min(1, "id_token is required"),
  state: z.string().min(1, "state is required"),
});
/** Posted by the launch page once it has read the login's secret back from the platform storage. */
const continueBody = launchBody.extend({ [STORAGE_VALUE_FIELD]: z.string().max(1024).optional() });
const CONTINUE_PATH = "/lti/launch/continue";
/** The deadline and limit fields are read by deep-link-assignment.ts; only these two are needed here. */
const deepLinkBody = z.object({
  context: z.string().min(1, "context is required"),
  exercises: z.string().min(1, "choose what the link grades"),
}).passthrough();

/** Where the page starts: the token, and the course and assignment when the link is not `default`'s. */
function launchFragment(token: string, course: string, assignment: string): string {
  if (course === DEFAULT_COURSE && assignment === DEFAULT_ASSIGNMENT) return `/#launch=${token}`;
  return `/#${new URLSearchParams({ launch: token, course, assignment })}`;
}

/** A stable principal name in the safe alphabet: issuers and subs are arbitrary strings. */
export const studentNameFor = (userKey: string) => `lti-${createHash("sha256").update(userKey, "utf8").digest("hex").slice(0, 20)}`;

function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const field = issue.path.join(".");
  throw new ApiError(400, "validation_error", issue.code === "invalid_type" && issue.input === undefined ? `${field} is required` : `${field}: ${issue.message}`, { field });
}

const refuse = (reason: string, message: string) => new ApiError(401, "lti_launch_refused", message, { reason });

function sendPage(reply: FastifyReply, page: Page): FastifyReply {
  return reply
    .header("content-security-policy", page.contentSecurityPolicy)
    .header("cache-control", "no-store")
    .header("referrer-policy", page.referrerPolicy ?? "no-referrer")
    .type("text/html; charset=utf-8")
    .send(page.html);
}

/**
 * The LTI 1.3 tool endpoints: OIDC login initiation, launch, deep linking and the tool's JWKS.
 * Launches end in a redirect to the page with a bearer token in the fragment, so nothing depends
 * on cookies (third-party cookies are often blocked inside the LMS iframe).
 */
export const ltiRoutes: FastifyPluginAsync<AppDeps> = async (app, deps) => {
  const { storage, config, toolKeys, exercises } = deps;
  const jwksResolver = createJwksResolver();
  const catalogueIds = exercises.map((e) => e.id);
  const hidden = { schema: { hide: true } };
  const urls = (request: FastifyRequest) => toolUrls(publicOrigin(config.publicUrl, request));

  app.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string", bodyLimit: 256 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.get("/.well-known/jwks.json", hidden, async (_request, reply) => {
    // Short caching: a rotated key must reach platforms before the previous one is retired.
    return reply.header("cache-control", "public, max-age=60").send(await toolKeys.jwks());
  });

  async function login(request: FastifyRequest, reply: FastifyReply) {
    const params = parseOrThrow(loginParams, request.method === "GET" ? request.query : request.body);
    const found = await storage.findLtiRegistrations(params.iss, params.client_id);
    if (found.length === 0) {
      throw new ApiError(400, "unknown_platform", `no platform registered with issuer ${params.iss}${params.client_id ? ` and client_id ${params.client_id}` : ""}`);
    }
    if (found.length > 1) throw new ApiError(400, "ambiguous_platform", `issuer ${params.iss} has several registrations: the login must name its client_id`);
    const registration = found[0]!;
    if (params.lti_deployment_id !== undefined && !registration.deploymentIds.includes(params.lti_deployment_id)) {
      throw new ApiError(400, "unknown_deployment", `deployment ${params.lti_deployment_id} is not registered for this platform`);
    }
    const { origin, launchUrl } = urls(request);
    if (new URL(params.target_link_uri).origin !== origin) {
      throw new ApiError(400, "validation_error", `target_link_uri must be on ${origin}`, { field: "target_link_uri" });
    }
    if (params.lti_storage_target === undefined && config.ltiRequirePlatformStorage) {
      throw new ApiError(400, "platform_storage_required", "this login names no lti_storage_target: autograde is set to accept only LMSs that offer platform storage (AUTOGRADE_LTI_REQUIRE_PLATFORM_STORAGE)", { field: "lti_storage_target" });
    }
    const state = randomBytes(24).toString("base64url");
    const nonce = randomBytes(24).toString("base64url");
    const now = Date.now();
    const bound = params.lti_storage_target === undefined ? null : createStorageBinding(params.lti_storage_target);
    await storage.saveLtiLoginState(state, { nonce, registrationId: registration.id, expiresAt: now + config.ltiLoginStateTtlMs, platformStorage: bound?.binding ?? null }, now);
    const location = buildLoginRedirect({
      registration,
      loginHint: params.login_hint,
      ...(params.lti_message_hint !== undefined ? { ltiMessageHint: params.lti_message_hint } : {}),
      targetLinkUri: params.target_link_uri,
      redirectUri: launchUrl,
      state,
      nonce,
    });
    if (bound) {
      return sendPage(reply, storageLoginPage({
        platformOrigin: new URL(registration.authLoginUrl).origin,
        target: bound.binding.target,
        key: platformStorageKey(state),
        value: bound.value,
        authUrl: location,
        timeoutMs: config.ltiPlatformStorageTimeoutMs,
        frameAncestors: config.ltiFrameAncestors,
      }));
    }
    return reply.code(302).header("cache-control", "no-store").redirect(location);
  }
  app.get("/lti/login", hidden, login);
  app.post("/lti/login", hidden, login);

  /** The link's course and assignment decide what the page shows and which exercises the LMS column grades. */
  async function startSession(registration: LtiRegistrationRecord, launch: Launch): Promise<{ token: string; course: string; assignment: string }> {
    const now = Date.now();
    const user = await storage.upsertLtiUser({
      userKey: launch.userKey,
      student: studentNameFor(launch.userKey),
      issuer: launch.issuer,
      subject: launch.subject,
      name: launch.name,
      email: launch.email,
      now,
    });
    const selection = parseExercisesCustom(launch.custom.exercises, catalogueIds);
    if (!selection.ok) throw refuse("bad_custom_exercises", selection.message);
    const { course, role } = await courseForLaunch(storage, launch, user.student, now);
    const { assignment, exercises: graded } = await assignmentForLaunch(storage, launch, course, selection.exercises);
    const lineItem = launch.ags?.lineitem;
    if (lineItem && launch.ags?.scope.includes(AGS_SCORE_SCOPE)) {
      await storage.upsertLtiLineItem({
        student: user.student,
        registrationId: registration.id,
        lineItemUrl: lineItem,
        platformUserId: launch.subject,
        exercises: graded,
        resourceLinkId: launch.resourceLinkId,
        contextId: launch.contextId,
        updatedAt: now,
      });
    }
    const token = generateLaunchToken();
    await storage.createLtiSession({
      id: randomUUID(),
      tokenHash: hashSecret(token),
      student: user.student,
      role: sessionRoleOf(role),
      userKey: launch.userKey,
      expiresAt: now + config.ltiSessionTtlMs,
      now,
    });
    return { token, course, assignment };
  }

  const ags = createAgsClient({ toolKeys: { sign: (payload, options) => toolKeys.sign(payload, options) }, maxAttempts: 1 });
  const deepLinks = createDeepLinkFlow({
    storage,
    exercises,
    currentKeys: () => toolKeys.current(),
    frameAncestors: config.ltiFrameAncestors,
    async lineItemEndDate(launch, registration) {
      const url = launch.ags?.lineitem;
      if (!url || !launch.ags?.scope.some((scope) => scope === AGS_LINEITEM_SCOPE || scope === AGS_LINEITEM_READ_SCOPE)) return null;
      const read = await ags.readLineItem(registration, url);
      if (read.ok) return read.lineItem.endDateTime;
      app.log.warn({ lineItem: url, status: read.ok ? undefined : read.status, error: read.message }, "the platform's line item could not be read: no default due date");
      return null;
    },
  });

  const unknownState = () => refuse("unknown_state", "the login state is unknown, expired or already used: open the link again from the course page");

  app.post("/lti/launch", hidden, async (request, reply) => {
    const body = parseOrThrow(launchBody, request.body);
    const pending = await storage.findLtiLoginState(body.state, Date.now());
    if (pending?.platformStorage) {
      // The platform's post is cross-site whoever sent it: nothing is used up until this browser's LMS vouches for it.
      const registration = await storage.getLtiRegistration(pending.registrationId);
      if (!registration) throw refuse("unknown_platform", "the platform this login started from is no longer registered");
      return sendPage(reply, storageLaunchPage({
        platformOrigin: new URL(registration.authLoginUrl).origin,
        target: pending.platformStorage.target,
        key: platformStorageKey(body.state),
        action: `${urls(request).origin}${CONTINUE_PATH}`,
        idToken: body.id_token,
        state: body.state,
        timeoutMs: config.ltiPlatformStorageTimeoutMs,
        frameAncestors: config.ltiFrameAncestors,
      }));
    }
    const login = await storage.takeLtiLoginState(body.state, Date.now());
    if (!login) throw unknownState();
    // Whatever the look saw, a bound state is completed by the continuation alone.
    if (login.platformStorage) throw unknownState();
    return completeLaunch(request, reply, login, body.id_token, "none");
  });

  app.post(CONTINUE_PATH, hidden, async (request, reply) => {
    const body = parseOrThrow(continueBody, request.body);
    const sameOrigin = fromToolPage(request.headers, urls(request).origin);
    if (!sameOrigin.ok) throw refuse("cross_site_continuation", sameOrigin.message);
    const login = await storage.takeLtiLoginState(body.state, Date.now());
    if (!login) throw unknownState();
    if (!login.platformStorage) throw refuse("state_not_bound", "this login was not bound to the platform's storage: its launch goes to /lti/launch");
    if (!storageValueMatches(login.platformStorage, body[STORAGE_VALUE_FIELD])) {
      throw refuse("platform_storage_mismatch", "the LMS window in this browser holds no record of this sign-in (it was started elsewhere): open the link again from the course page");
    }
    return completeLaunch(request, reply, login, body.id_token, "platform_storage");
  });

  async function completeLaunch(request: FastifyRequest, reply: FastifyReply, login: LtiLoginState, idToken: string, stateBinding: StateBinding) {
    const registration = await storage.getLtiRegistration(login.registrationId);
    if (!registration) throw refuse("unknown_platform", "the platform this login started from is no longer registered");
    const verified = await verifyLaunch({ idToken, registration, expectedNonce: login.nonce, fetchJwks: jwksResolver }).catch((err: unknown) => {
      // Only the platform's keyset being out of reach gets here: the student can do nothing but retry.
      request.log.error({ err, jwksUrl: registration.jwksUrl }, "platform keyset unreachable");
      throw new ApiError(502, "platform_unreachable", `the platform's keyset at ${registration.jwksUrl} could not be fetched: try the launch again shortly`);
    });
    if (!verified.ok) throw refuse(verified.reason, verified.message);
    const { launch } = verified;
    request.log.info({ issuer: launch.issuer, deploymentId: launch.deploymentId, messageType: launch.messageType, stateBinding }, "LTI launch");

    if (launch.messageType === "LtiDeepLinkingRequest") {
      const principal = studentNameFor(launch.userKey);
      return sendPage(reply, await deepLinks.requestPage({ registration, launch, principal, action: urls(request).deepLinkUrl, now: Date.now() }));
    }
    const { token, course, assignment } = await startSession(registration, launch);
    // The fragment never reaches a server or a Referer; the page moves it to sessionStorage at once.
    return reply.code(303).header("cache-control", "no-store").redirect(launchFragment(token, course, assignment));
  }

  app.post("/lti/deep-link", hidden, async (request, reply) => {
    const body = parseOrThrow(deepLinkBody, request.body);
    return sendPage(reply, await deepLinks.respond({ body, context: body.context, exercises: body.exercises, launchUrl: urls(request).launchUrl, now: Date.now() }));
  });
};

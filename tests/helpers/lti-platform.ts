import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { AGS_SCORE_SCOPE, type PlatformRegistration } from "../../server/lti/registration.ts";
import { createDeepLinkReturn, isHttpUrl } from "./lti-platform-deep-linking.ts";
import { createClaimBuilders } from "./lti-platform-claims.ts";
import { coursePageAnswer } from "./lti-platform-course.ts";
import { platformAutoPostHtml } from "./lti-platform-forms.ts";
import { parseStorageMode, storageFrameHtml, type StorageMode } from "./lti-platform-storage.ts";
import { keyPair, readBody, reply, replyHtml } from "./lti-platform-http.ts";
import type { AuthRequestRecord, ReceivedScore, TestPlatform, TestPlatformOptions } from "./lti-platform-types.ts";

export type { DeepLinkResponseRecord, PlatformLineItem, PlatformResourceLink } from "./lti-platform-deep-linking.ts";
export type { AuthRequestRecord, ReceivedScore, TestPlatform, TestPlatformOptions } from "./lti-platform-types.ts";
export { parseAutoPostForm, type AutoPostForm } from "./lti-platform-forms.ts";

/**
 * A local LTI platform for tests: it runs the OIDC login step, signs id_tokens with its own keys,
 * serves its JWKS, takes deep-linking responses (creating line items and resource links), and checks
 * client assertions and score posts the way an LMS does, recording what it received.
 */

const SCORE_CONTENT_TYPE = "application/vnd.ims.lis.v1.score+json";
const DEPLOYMENT_ID = "deployment-1";

export async function startTestPlatform(options: TestPlatformOptions): Promise<TestPlatform> {
  if (!options.toolJwks && !options.toolJwksUrl) throw new Error("startTestPlatform needs toolJwks or toolJwksUrl");
  const clientId = options.clientId ?? "autograde-client";
  const platformKey = await keyPair("platform-key-1");
  // Same kid as the real key: a forged token must fail on the signature, not on a missing kid.
  const strangerKey = await keyPair("platform-key-1");
  const issuedTokens = new Set<string>();
  const seenJtis = new Set<string>();
  const preparedLaunches = new Map<string, { messageHint?: string; claims: JWTPayload }>();
  const remoteToolKeySets = new Map<string, JWTVerifyGetKey>();
  const tokenRequests: { ok: boolean; error?: string; kid?: string }[] = [];
  const scores: ReceivedScore[] = [];
  const authRequests: AuthRequestRecord[] = [];
  let scripted: number[] = [];
  let baseUrl = "";
  const deepLinkReturn = createDeepLinkReturn({ clientId, deploymentId: DEPLOYMENT_ID, issuer: () => baseUrl, toolKeySet });
  const { lineItems, resourceLinks } = deepLinkReturn;

  function toolKeySet(): JWTVerifyGetKey {
    if (options.toolJwks) return createLocalJWKSet(options.toolJwks());
    const url = typeof options.toolJwksUrl === "function" ? options.toolJwksUrl() : options.toolJwksUrl!;
    let set = remoteToolKeySets.get(url);
    if (!set) {
      set = createRemoteJWKSet(new URL(url), options.toolJwksCooldownMs === undefined ? {} : { cooldownDuration: options.toolJwksCooldownMs });
      remoteToolKeySets.set(url, set);
    }
    return set;
  }

  async function signIdToken(claims: JWTPayload, opts: { expiresInSeconds?: number; issuedAt?: number; signWith?: "platform" | "stranger" } = {}) {
    const key = opts.signWith === "stranger" ? strangerKey : platformKey;
    const issuedAt = opts.issuedAt ?? Math.floor(Date.now() / 1000);
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid!, typ: "JWT" })
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + (opts.expiresInSeconds ?? 300))
      .sign(key.privateKey);
  }

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const fail = (error: string): void => {
      tokenRequests.push({ ok: false, error });
      reply(res, 400, { error: "invalid_request", error_description: error });
    };
    if (form.get("grant_type") !== "client_credentials") return fail("grant_type");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return fail("assertion type");
    if (!(form.get("scope") ?? "").split(" ").includes(AGS_SCORE_SCOPE)) return fail("scope");
    let kid: string | undefined;
    try {
      const { payload, protectedHeader } = await jwtVerify(form.get("client_assertion") ?? "", toolKeySet(), {
        algorithms: ["RS256"],
        issuer: clientId,
        subject: clientId,
        audience: `${baseUrl}/token`,
        requiredClaims: ["jti", "exp", "iat"],
      });
      if (seenJtis.has(payload.jti!)) return fail("jti replayed");
      seenJtis.add(payload.jti!);
      kid = protectedHeader.kid;
    } catch (error) {
      return fail(`assertion: ${(error as Error).message}`);
    }
    const accessToken = randomUUID();
    issuedTokens.add(accessToken);
    tokenRequests.push(kid === undefined ? { ok: true } : { ok: true, kid });
    reply(res, 200, { access_token: accessToken, token_type: "Bearer", expires_in: 3600, scope: AGS_SCORE_SCOPE });
  }

  async function handleScore(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    if (!token || !issuedTokens.has(token)) return reply(res, 401, { error: "unknown token" });
    const raw = await readBody(req);
    const next = scripted.shift();
    if (next !== undefined) return reply(res, next, { error: `scripted ${next}` });
    if (req.headers["content-type"] !== SCORE_CONTENT_TYPE) return reply(res, 415, { error: "content type" });
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return reply(res, 400, { error: "json" });
    }
    scores.push({ path: url.pathname, query: url.search, contentType: req.headers["content-type"], body });
    res.writeHead(204).end();
  }

  async function handleAuth(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const params = Object.fromEntries(req.method === "POST" ? new URLSearchParams(await readBody(req)) : url.searchParams);
    const fail = (check: string, description: string): void => {
      authRequests.push({ method: req.method!, params, ok: false, error: check });
      reply(res, 400, { error: "invalid_request", check, error_description: description });
    };
    const expected = { scope: "openid", response_type: "id_token", response_mode: "form_post", prompt: "none", client_id: clientId };
    for (const [name, value] of Object.entries(expected)) {
      if (params[name] !== value) return fail(name, `${name} must be ${value}, got ${JSON.stringify(params[name])}`);
    }
    const redirectUri = params.redirect_uri;
    const redirectOk = options.redirectUris ? options.redirectUris.includes(redirectUri ?? "") : isHttpUrl(redirectUri);
    if (!redirectOk || redirectUri === undefined) return fail("redirect_uri", `redirect_uri ${JSON.stringify(redirectUri)} is not registered`);
    const prepared = preparedLaunches.get(params.login_hint ?? "");
    if (!prepared) return fail("login_hint", `no launch prepared for login_hint ${JSON.stringify(params.login_hint)}`);
    if (!params.nonce) return fail("nonce", "nonce is required");
    if (!params.state) return fail("state", "state is required");
    if (params.lti_message_hint !== prepared.messageHint) {
      return fail("lti_message_hint", `lti_message_hint ${JSON.stringify(params.lti_message_hint)} is not the one sent at login initiation`);
    }
    authRequests.push({ method: req.method!, params, ok: true });
    const idToken = await signIdToken({ ...prepared.claims, nonce: params.nonce });
    replyHtml(res, 200, platformAutoPostHtml(redirectUri, { id_token: idToken, state: params.state }));
  }

  function loginInitiation(toolLoginUrl: string, { loginHint, messageHint, targetLinkUri, storageTarget }: { loginHint: string; messageHint?: string; targetLinkUri: string; storageTarget?: string }) {
    const form: Record<string, string> = {
      iss: baseUrl,
      login_hint: loginHint,
      target_link_uri: targetLinkUri,
      client_id: clientId,
      lti_deployment_id: DEPLOYMENT_ID,
      ...(messageHint === undefined ? {} : { lti_message_hint: messageHint }),
      ...(storageTarget === undefined ? {} : { lti_storage_target: storageTarget }),
    };
    const url = new URL(toolLoginUrl);
    for (const [name, value] of Object.entries(form)) url.searchParams.set(name, value);
    return { url: url.toString(), form };
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    const route = async (): Promise<void> => {
      if (req.method === "GET" && url.pathname === "/jwks") return reply(res, 200, { keys: [platformKey.publicJwk] });
      if ((req.method === "GET" || req.method === "POST") && url.pathname === "/auth") return handleAuth(req, res, url);
      if (req.method === "POST" && url.pathname === "/token") return handleToken(req, res);
      if (req.method === "GET" && url.pathname === "/course") {
        const storageFrameUrl = (mode: StorageMode) => `${baseUrl}/storage-frame?mode=${mode}`;
        const answer = coursePageAnswer(url.searchParams, { toolLoginUrl: options.toolLoginUrl, toolLaunchUrl: options.toolLaunchUrl, prepared: preparedLaunches, loginInitiation, storageFrameUrl });
        return answer.status === 200 ? replyHtml(res, 200, answer.html) : reply(res, answer.status, answer.json);
      }
      if (req.method === "GET" && url.pathname === "/storage-frame") return replyHtml(res, 200, storageFrameHtml(parseStorageMode(url.searchParams.get("mode")) ?? "answer"));
      if (req.method === "POST" && url.pathname === "/deep-link-return") {
        const answer = await deepLinkReturn.receive(await readBody(req));
        return answer.status === 200 ? replyHtml(res, 200, answer.html) : reply(res, answer.status, answer.json);
      }
      if (req.method === "POST" && /^\/lineitems\/[^/]+\/scores$/.test(url.pathname)) return handleScore(req, res, url);
      if (req.method === "GET" && /^\/lineitems\/[^/]+$/.test(url.pathname)) {
        const item = lineItems.find((li) => li.id === `${baseUrl}${url.pathname}`);
        if (!item) return reply(res, 404, { error: "no such line item" });
        return reply(res, 200, item, "application/vnd.ims.lis.v2.lineitem+json");
      }
      reply(res, 404, { error: "not found" });
    };
    route().catch((error: unknown) => reply(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const registration: PlatformRegistration = {
    issuer: baseUrl,
    clientId,
    deploymentIds: [DEPLOYMENT_ID],
    authLoginUrl: `${baseUrl}/auth?tenant=t1`,
    authTokenUrl: `${baseUrl}/token`,
    jwksUrl: `${baseUrl}/jwks`,
  };

  const claims = createClaimBuilders({
    baseUrl: () => baseUrl,
    clientId,
    deploymentId: DEPLOYMENT_ID,
    resourceLinks,
    issueData: deepLinkReturn.issueData,
  });

  return {
    url: baseUrl,
    registration,
    deepLinkReturnUrl: `${baseUrl}/deep-link-return`,
    tokenRequests,
    scores,
    authRequests,
    deepLinkResponses: deepLinkReturn.responses,
    lineItems,
    resourceLinks,
    revokeTokens() {
      issuedTokens.clear();
    },
    scriptScoreStatuses(statuses) {
      scripted = [...statuses];
    },
    launchClaims: claims.launchClaims,
    deepLinkingClaims: claims.deepLinkingClaims,
    resourceLinkClaims: claims.resourceLinkClaims,
    prepareLaunch({ loginHint, messageHint, claims }) {
      preparedLaunches.set(loginHint, { ...(messageHint === undefined ? {} : { messageHint }), claims });
    },
    loginInitiation,
    courseUrl(loginHint, { hostname, presentation, storage } = {}) {
      const url = new URL("/course", baseUrl);
      if (hostname !== undefined) url.hostname = hostname;
      url.searchParams.set("login_hint", loginHint);
      if (presentation !== undefined) url.searchParams.set("presentation", presentation);
      if (storage !== undefined) url.searchParams.set("storage", storage);
      return url.toString();
    },
    signIdToken,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

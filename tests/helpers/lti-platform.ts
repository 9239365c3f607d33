import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type CryptoKey,
  type JSONWebKeySet,
  type JWK,
  type JWTPayload,
} from "jose";
import { AGS_SCORE_SCOPE, LTI_CLAIM, type PlatformRegistration } from "../../server/lti/registration.ts";

/**
 * A local LTI platform for tests: it signs id_tokens with its own keys, serves its JWKS, and checks
 * client assertions and score posts the way an LMS does, recording what it received.
 */
export interface ReceivedScore {
  readonly path: string;
  readonly query: string;
  readonly contentType: string | undefined;
  readonly body: unknown;
}

export interface TestPlatform {
  readonly url: string;
  readonly registration: PlatformRegistration;
  readonly tokenRequests: { readonly ok: boolean; readonly error?: string }[];
  readonly scores: ReceivedScore[];
  /** Statuses to answer the next score posts with before accepting (e.g. [500] fails once). */
  scriptScoreStatuses(statuses: number[]): void;
  /** Forgets every access token issued so far, as a platform does when it revokes them early. */
  revokeTokens(): void;
  signIdToken(claims: JWTPayload, opts?: { expiresInSeconds?: number; issuedAt?: number; signWith?: "platform" | "stranger" }): Promise<string>;
  launchClaims(overrides?: Record<string, unknown>): JWTPayload;
  close(): Promise<void>;
}

const SCORE_CONTENT_TYPE = "application/vnd.ims.lis.v1.score+json";

async function keyPair(kid: string): Promise<{ privateKey: CryptoKey; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" } };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startTestPlatform(options: { toolJwks: () => JSONWebKeySet; clientId?: string }): Promise<TestPlatform> {
  const clientId = options.clientId ?? "autograde-client";
  const platformKey = await keyPair("platform-key-1");
  // Same kid as the real key: a forged token must fail on the signature, not on a missing kid.
  const strangerKey = await keyPair("platform-key-1");
  const issuedTokens = new Set<string>();
  const seenJtis = new Set<string>();
  const tokenRequests: { ok: boolean; error?: string }[] = [];
  const scores: ReceivedScore[] = [];
  let scripted: number[] = [];
  let baseUrl = "";

  async function handleToken(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(req));
    const fail = (error: string): void => {
      tokenRequests.push({ ok: false, error });
      reply(res, 400, { error: "invalid_request", error_description: error });
    };
    if (form.get("grant_type") !== "client_credentials") return fail("grant_type");
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") return fail("assertion type");
    if (!(form.get("scope") ?? "").split(" ").includes(AGS_SCORE_SCOPE)) return fail("scope");
    try {
      const { payload } = await jwtVerify(form.get("client_assertion") ?? "", createLocalJWKSet(options.toolJwks()), {
        algorithms: ["RS256"],
        issuer: clientId,
        subject: clientId,
        audience: `${baseUrl}/token`,
        requiredClaims: ["jti", "exp", "iat"],
      });
      if (seenJtis.has(payload.jti!)) return fail("jti replayed");
      seenJtis.add(payload.jti!);
    } catch (error) {
      return fail(`assertion: ${(error as Error).message}`);
    }
    const accessToken = randomUUID();
    issuedTokens.add(accessToken);
    tokenRequests.push({ ok: true });
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

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", baseUrl);
    const route = async (): Promise<void> => {
      if (req.method === "GET" && url.pathname === "/jwks") return reply(res, 200, { keys: [platformKey.publicJwk] });
      if (req.method === "POST" && url.pathname === "/token") return handleToken(req, res);
      if (req.method === "POST" && /^\/lineitems\/[^/]+\/scores$/.test(url.pathname)) return handleScore(req, res, url);
      reply(res, 404, { error: "not found" });
    };
    route().catch((error: unknown) => reply(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const registration: PlatformRegistration = {
    issuer: baseUrl,
    clientId,
    deploymentIds: ["deployment-1"],
    authLoginUrl: `${baseUrl}/auth?tenant=t1`,
    authTokenUrl: `${baseUrl}/token`,
    jwksUrl: `${baseUrl}/jwks`,
  };

  return {
    url: baseUrl,
    registration,
    tokenRequests,
    scores,
    revokeTokens() {
      issuedTokens.clear();
    },
    scriptScoreStatuses(statuses) {
      scripted = [...statuses];
    },
    launchClaims(overrides = {}) {
      return {
        iss: baseUrl,
        aud: clientId,
        sub: "student-42",
        nonce: "nonce-1",
        name: "Ada Lovelace",
        [`${LTI_CLAIM}deployment_id`]: "deployment-1",
        [`${LTI_CLAIM}version`]: "1.3.0",
        [`${LTI_CLAIM}message_type`]: "LtiResourceLinkRequest",
        [`${LTI_CLAIM}roles`]: ["http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"],
        [`${LTI_CLAIM}target_link_uri`]: "https://autograde.example/lti/launch",
        [`${LTI_CLAIM}resource_link`]: { id: "link-7" },
        [`${LTI_CLAIM}context`]: { id: "course-3" },
        "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
          scope: [AGS_SCORE_SCOPE],
          lineitems: `${baseUrl}/lineitems`,
          lineitem: `${baseUrl}/lineitems/9`,
        },
        ...overrides,
      };
    },
    async signIdToken(claims, opts = {}) {
      const key = opts.signWith === "stranger" ? strangerKey : platformKey;
      const issuedAt = opts.issuedAt ?? Math.floor(Date.now() / 1000);
      return new SignJWT(claims)
        .setProtectedHeader({ alg: "RS256", kid: key.publicJwk.kid!, typ: "JWT" })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + (opts.expiresInSeconds ?? 300))
        .sign(key.privateKey);
    },
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}

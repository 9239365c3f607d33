import { randomUUID } from "node:crypto";
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { z } from "zod";

const ALG = "RS256";

const rsaPrivateJwk = z
  .object({ kty: z.literal("RSA"), kid: z.string().min(1), n: z.string(), e: z.string(), d: z.string() })
  .passthrough();

/** JSON form for storage: private JWKs (they embed the public part) with the current kid first. */
export const exportedToolKeysSchema = z
  .object({
    currentKid: z.string().min(1),
    keys: z.array(rsaPrivateJwk).min(1, "at least one key is required"),
  })
  .refine((v) => v.keys.some((k) => k.kid === v.currentKid), {
    path: ["currentKid"],
    message: "currentKid must name one of the keys",
  })
  .refine((v) => new Set(v.keys.map((k) => k.kid)).size === v.keys.length, {
    path: ["keys"],
    message: "key ids must be unique",
  });
export type ExportedToolKeys = z.infer<typeof exportedToolKeysSchema>;

export interface SignOptions {
  readonly expiresInSeconds: number;
  /** Seconds since the epoch; defaults to the factory's clock. */
  readonly issuedAt?: number;
}

export interface ToolKeys {
  currentKid(): string;
  /** Public keys only, every key not yet retired: platforms may still hold tokens signed by the previous one. */
  jwks(): { keys: JWK[] };
  /** Adds a fresh current key; the previous one stays published until retired. Returns the new kid. */
  rotate(): Promise<string>;
  retire(kid: string): void;
  sign(payload: JWTPayload, opts: SignOptions): Promise<string>;
  export(): ExportedToolKeys;
}

interface KeyEntry {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

function publicPart(jwk: JWK, kid: string): JWK {
  return { kty: jwk.kty, n: jwk.n, e: jwk.e, kid, alg: ALG, use: "sig" };
}

async function freshKey(): Promise<KeyEntry> {
  const kid = randomUUID();
  const { privateKey } = await generateKeyPair(ALG, { modulusLength: 2048, extractable: true });
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: ALG };
  return { kid, privateKey, privateJwk, publicJwk: publicPart(privateJwk, kid) };
}

async function importedKey(jwk: JWK & { kid: string }): Promise<KeyEntry> {
  const privateKey = await importJWK(jwk, ALG, { extractable: true });
  if (privateKey instanceof Uint8Array) throw new Error(`tool key ${jwk.kid} is not an RSA private key`);
  return { kid: jwk.kid, privateKey, privateJwk: { ...jwk }, publicJwk: publicPart(jwk, jwk.kid) };
}

export interface CreateToolKeysOptions {
  /** Previously exported keys; omitted: a single freshly generated key. */
  readonly stored?: unknown;
  readonly now?: () => number;
}

export async function createToolKeys(options: CreateToolKeysOptions = {}): Promise<ToolKeys> {
  const now = options.now ?? Date.now;
  let keys: KeyEntry[];
  let currentKid: string;
  if (options.stored === undefined) {
    const key = await freshKey();
    keys = [key];
    currentKid = key.kid;
  } else {
    const parsed = exportedToolKeysSchema.safeParse(options.stored);
    if (!parsed.success) {
      throw new Error(`invalid stored tool keys: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    }
    keys = await Promise.all(parsed.data.keys.map((k) => importedKey(k as JWK & { kid: string })));
    currentKid = parsed.data.currentKid;
  }

  const current = (): KeyEntry => {
    const key = keys.find((k) => k.kid === currentKid);
    if (!key) throw new Error(`current tool key ${currentKid} is missing`);
    return key;
  };

  return {
    currentKid: () => currentKid,
    jwks: () => ({ keys: keys.map((k) => ({ ...k.publicJwk })) }),
    async rotate() {
      const key = await freshKey();
      keys = [...keys, key];
      currentKid = key.kid;
      return key.kid;
    },
    retire(kid) {
      if (kid === currentKid) throw new Error(`cannot retire the current tool key ${kid}: rotate first`);
      if (!keys.some((k) => k.kid === kid)) throw new Error(`unknown tool key ${kid}`);
      keys = keys.filter((k) => k.kid !== kid);
    },
    async sign(payload, opts) {
      if (!Number.isInteger(opts.expiresInSeconds) || opts.expiresInSeconds <= 0) {
        throw new Error(`expiresInSeconds must be a positive integer, got ${opts.expiresInSeconds}`);
      }
      const key = current();
      const issuedAt = opts.issuedAt ?? Math.floor(now() / 1000);
      return new SignJWT(payload)
        .setProtectedHeader({ alg: ALG, kid: key.kid, typ: "JWT" })
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + opts.expiresInSeconds)
        .sign(key.privateKey);
    },
    export: () => ({
      currentKid,
      keys: keys.map((k) => ({ ...k.privateJwk })) as ExportedToolKeys["keys"],
    }),
  };
}

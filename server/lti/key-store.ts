import type { JWK } from "jose";
import type { LtiStorage, StoredToolKeys } from "../storage/lti-types.ts";
import { createToolKeys, type ExportedToolKeys, type ToolKeys } from "./tool-keys.ts";

export type KeyStoreErrorCode = "current_key" | "unknown_key" | "contention";

/** A refused key change: routes map current_key to 409, unknown_key to 404. */
export class KeyStoreError extends Error {
  override readonly name = "KeyStoreError";
  constructor(
    readonly code: KeyStoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Stored on a rotated key's private JWK (epoch ms): the key is published at once but signs only
 * from then. publicPart() in tool-keys.ts never copies it into the JWKS.
 */
export const SIGN_FROM_MEMBER = "autograde_sign_from";

export const DEFAULT_ACTIVATION_DELAY_MS = 120_000;

export type KeyState = "signing" | "pending" | "published";

export interface ScheduledKey {
  readonly kid: string;
  /** Epoch ms; null: the key never waited (the first key, or one stored before staged rotation). */
  readonly signsFrom: number | null;
  readonly state: KeyState;
}

export interface KeySchedule {
  readonly signingKid: string;
  /** The pending key that takes over soonest; null when none is pending. */
  readonly next: { readonly kid: string; readonly signsFrom: number } | null;
  /** Every published key, in stored order. */
  readonly keys: ScheduledKey[];
}

export interface KeyRotation {
  readonly newKid: string;
  /** ISO time from which the new key signs. */
  readonly signsFrom: string;
  readonly publishedKids: string[];
}

/**
 * The tool's signing keys as stored in the database, shared by every API process and the CLI.
 * Any of them may rotate or retire a key; the others notice through the stored version, and a
 * pending key starts signing when its time comes, with no write needed.
 */
export interface ToolKeyStore {
  /** The keys to sign with; their rotate/retire throw: changes go through this store so storage stays the truth. */
  current(): Promise<ToolKeys>;
  /** Signs with the key that signs now, so a rotation by another process or the CLI applies at once. */
  sign: ToolKeys["sign"];
  jwks(): Promise<{ keys: JWK[] }>;
  schedule(): Promise<KeySchedule>;
  rotate(): Promise<KeyRotation>;
  retire(kid: string): Promise<{ publishedKids: string[] }>;
}

export interface CreateToolKeyStoreOptions {
  readonly storage: Pick<LtiStorage, "loadToolKeys" | "saveToolKeys">;
  readonly now?: () => number;
  /** Compare-and-set attempts before a change gives up (another writer kept winning). */
  readonly maxSaveAttempts?: number;
  /** How long a rotated key is published before it signs (platforms cache the JWKS). */
  readonly activationDelayMs?: number;
}

type StoredKey = ExportedToolKeys["keys"][number];

const publishedKids = (keys: ExportedToolKeys) => keys.keys.map((k) => k.kid);
const iso = (ms: number) => new Date(ms).toISOString();

function signsFromOf(key: StoredKey): number | null {
  const value = (key as Record<string, unknown>)[SIGN_FROM_MEMBER];
  if (value === undefined) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new Error(`stored tool key ${key.kid} has an invalid ${SIGN_FROM_MEMBER} (${JSON.stringify(value)}): expected epoch milliseconds`);
  }
  return value;
}

/**
 * Which key signs at `now`: the one whose sign-from time is the latest not in the future (none
 * counts as always). Ties go to the stored currentKid, then to the later key: keys stored before
 * staged rotation carry no time, and the stored current one is the one that signed.
 */
export function keySchedule(stored: ExportedToolKeys, now: number): KeySchedule {
  const timed = stored.keys.map((key, index) => ({ kid: key.kid, index, signsFrom: signsFromOf(key) }));
  // Ascending: sign-from time (none first), then the stored currentKid, then stored order.
  const precedence = (a: (typeof timed)[number], b: (typeof timed)[number]) =>
    (a.signsFrom ?? -Infinity) - (b.signsFrom ?? -Infinity) ||
    Number(a.kid === stored.currentKid) - Number(b.kid === stored.currentKid) ||
    a.index - b.index;
  const active = timed.filter((k) => k.signsFrom === null || k.signsFrom <= now);
  // Only reachable by hand-edited storage (rotate always leaves a key that signs); the soonest key
  // then signs early rather than every platform call failing.
  const signing = active.length > 0
    ? active.sort(precedence).at(-1)!
    : timed.reduce((a, b) => (a.signsFrom! <= b.signsFrom! ? a : b));
  const pending = timed.filter((k) => k !== signing && k.signsFrom !== null && k.signsFrom > now);
  const soonest = pending.length > 0 ? pending.reduce((a, b) => (b.signsFrom! < a.signsFrom! ? b : a)) : null;
  return {
    signingKid: signing.kid,
    next: soonest ? { kid: soonest.kid, signsFrom: soonest.signsFrom! } : null,
    keys: timed.map((k) => ({
      kid: k.kid,
      signsFrom: k.signsFrom,
      state: k === signing ? "signing" : pending.includes(k) ? "pending" : "published",
    })),
  };
}

function retirementRefusal(kid: string, schedule: KeySchedule): KeyStoreError | null {
  const key = schedule.keys.find((k) => k.kid === kid);
  if (!key) return new KeyStoreError("unknown_key", `unknown tool key ${kid}`);
  if (key.state === "signing") {
    const { next } = schedule;
    return new KeyStoreError("current_key", next
      ? `cannot retire tool key ${kid}: it signs now, until ${next.kid} takes over at ${iso(next.signsFrom)}; retire it after that`
      : `cannot retire tool key ${kid}: it is the key that signs now; rotate first, and retire it once the new key signs`);
  }
  if (key.state === "pending") {
    return new KeyStoreError("current_key",
      `cannot retire tool key ${kid}: it is pending and starts signing at ${iso(key.signsFrom!)}; platforms are fetching it now`);
  }
  return null;
}

/** Signing with keys nobody else can see would make every token unverifiable by the platform. */
function storeBacked(keys: ToolKeys): ToolKeys {
  const refuse = (): never => {
    throw new Error("tool keys from the key store are read-only: rotate or retire through the ToolKeyStore");
  };
  return { ...keys, rotate: async () => refuse(), retire: () => refuse() };
}

export async function createToolKeyStore(options: CreateToolKeyStoreOptions): Promise<ToolKeyStore> {
  const { storage } = options;
  const now = options.now ?? Date.now;
  const maxSaveAttempts = options.maxSaveAttempts ?? 5;
  const activationDelayMs = options.activationDelayMs ?? DEFAULT_ACTIVATION_DELAY_MS;
  if (!Number.isInteger(activationDelayMs) || activationDelayMs < 0) {
    throw new Error(`activationDelayMs must be a whole number of milliseconds >= 0, got ${activationDelayMs}`);
  }
  // Importing RSA keys costs far more than the version query, so it happens once per stored version
  // and signing key (a pending key taking over changes the latter without a write).
  let cached: { version: number; signingKid: string; keys: Promise<ToolKeys> } | null = null;

  const imported = (stored: StoredToolKeys, signingKid: string): Promise<ToolKeys> => {
    if (cached?.version === stored.version && cached.signingKid === signingKid) return cached.keys;
    const keys = createToolKeys({ stored: { ...stored.keys, currentKid: signingKid }, now }).then(storeBacked);
    const entry = { version: stored.version, signingKid, keys };
    cached = entry;
    keys.catch(() => {
      if (cached === entry) cached = null;
    });
    return keys;
  };

  const load = async (): Promise<StoredToolKeys> => {
    const stored = await storage.loadToolKeys();
    if (!stored) throw new Error("the tool keys are missing from storage (they were saved when the key store started)");
    return stored;
  };

  const signingKeys = async (): Promise<ToolKeys> => {
    const stored = await load();
    return imported(stored, keySchedule(stored.keys, now()).signingKid);
  };

  /** Read, change, compare-and-set; a lost race rereads, so a concurrent change is never overwritten. */
  const change = async (edit: (current: ExportedToolKeys) => ExportedToolKeys): Promise<ExportedToolKeys> => {
    for (let attempt = 1; attempt <= maxSaveAttempts; attempt++) {
      const stored = await load();
      const next = edit(stored.keys);
      if (await storage.saveToolKeys(next, stored.version)) return next;
    }
    throw new KeyStoreError("contention", `the tool keys changed under ${maxSaveAttempts} attempts to save them; try again`);
  };

  let initial = await storage.loadToolKeys();
  if (!initial) {
    const fresh = (await createToolKeys({ now })).export();
    // Several processes may start on an empty database at once: one save wins, and all adopt its key.
    await storage.saveToolKeys(fresh, null);
    initial = await load();
  }
  await imported(initial, keySchedule(initial.keys, now()).signingKid);

  return {
    current: signingKeys,
    sign: async (payload, opts) => (await signingKeys()).sign(payload, opts),
    jwks: async () => (await signingKeys()).jwks(),
    schedule: async () => keySchedule((await load()).keys, now()),
    async rotate() {
      // Generated once: RSA generation is slow, and the key is just as good on a retry.
      const fresh = (await createToolKeys({ now })).export();
      let signsFrom = 0;
      const saved = await change((current) => {
        const at = now();
        const { signingKid } = keySchedule(current, at);
        const scheduled = current.keys.map(signsFromOf).filter((t): t is number => t !== null);
        // Never before a key rotated earlier: rotations take effect in the order they were made,
        // even if the delay was shortened in between.
        signsFrom = Math.max(at + activationDelayMs, ...scheduled);
        const keys = current.keys.map((k) =>
          // Pins which untimed key signs until the switch, whatever order older keys were stored in.
          k.kid === signingKid && signsFromOf(k) === null ? { ...k, [SIGN_FROM_MEMBER]: 0 } : k,
        );
        const added = fresh.keys.map((k) => ({ ...k, [SIGN_FROM_MEMBER]: signsFrom }));
        return { currentKid: fresh.currentKid, keys: [...keys, ...added] };
      });
      return { newKid: fresh.currentKid, signsFrom: iso(signsFrom), publishedKids: publishedKids(saved) };
    },
    async retire(kid) {
      const saved = await change((current) => {
        const schedule = keySchedule(current, now());
        const refusal = retirementRefusal(kid, schedule);
        if (refusal) throw refusal;
        // The stored currentKid is the newest key, which signs or is pending; only hand-edited
        // storage gets here with it, and the stored keys must keep naming a present one.
        const currentKid = kid === current.currentKid ? schedule.signingKid : current.currentKid;
        return { currentKid, keys: current.keys.filter((k) => k.kid !== kid) };
      });
      return { publishedKids: publishedKids(saved) };
    },
  };
}

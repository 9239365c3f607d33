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

export interface KeyRotation {
  readonly currentKid: string;
  readonly publishedKids: string[];
}

/**
 * The tool's signing keys as stored in the database, shared by every API process and the CLI.
 * Any of them may rotate or retire a key; the others notice through the stored version.
 */
export interface ToolKeyStore {
  /** The keys to sign with; their rotate/retire throw: changes go through this store so storage stays the truth. */
  current(): Promise<ToolKeys>;
  jwks(): Promise<{ keys: JWK[] }>;
  rotate(): Promise<KeyRotation>;
  retire(kid: string): Promise<{ publishedKids: string[] }>;
}

export interface CreateToolKeyStoreOptions {
  readonly storage: Pick<LtiStorage, "loadToolKeys" | "saveToolKeys">;
  readonly now?: () => number;
  /** Compare-and-set attempts before a change gives up (another writer kept winning). */
  readonly maxSaveAttempts?: number;
}

const publishedKids = (keys: ExportedToolKeys) => keys.keys.map((k) => k.kid);

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
  // Importing RSA keys costs far more than the version query, so it happens once per stored version.
  let cached: { version: number; keys: Promise<ToolKeys> } | null = null;

  const imported = (stored: StoredToolKeys): Promise<ToolKeys> => {
    if (cached?.version === stored.version) return cached.keys;
    const keys = createToolKeys({ stored: stored.keys, now }).then(storeBacked);
    const entry = { version: stored.version, keys };
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
  await imported(initial);

  return {
    current: async () => imported(await load()),
    jwks: async () => (await imported(await load())).jwks(),
    async rotate() {
      // Generated once: RSA generation is slow, and the key is just as good on a retry.
      const fresh = (await createToolKeys({ now })).export();
      const saved = await change((current) => ({ currentKid: fresh.currentKid, keys: [...current.keys, ...fresh.keys] }));
      return { currentKid: saved.currentKid, publishedKids: publishedKids(saved) };
    },
    async retire(kid) {
      const saved = await change((current) => {
        if (kid === current.currentKid) throw new KeyStoreError("current_key", `cannot retire the current tool key ${kid}: rotate first`);
        if (!current.keys.some((k) => k.kid === kid)) throw new KeyStoreError("unknown_key", `unknown tool key ${kid}`);
        return { currentKid: current.currentKid, keys: current.keys.filter((k) => k.kid !== kid) };
      });
      return { publishedKids: publishedKids(saved) };
    },
  };
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";
import { createToolKeyStore, keySchedule, KeyStoreError, SIGN_FROM_MEMBER, type ToolKeyStore } from "./key-store.ts";
import { createToolKeys } from "./tool-keys.ts";

let dir: string;
let opened: LeasedQueueStorage[];
let clock: number;
const now = () => clock;
const DELAY_MS = 120_000;

/** Each call is a separate connection, as another API process or the CLI would have. */
function openStorage(): LeasedQueueStorage {
  const storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  opened.push(storage);
  return storage;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-key-store-"));
  opened = [];
  clock = Date.now();
});
afterEach(async () => {
  for (const storage of opened) await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const kids = (jwks: { keys: JWK[] }) => jwks.keys.map((k) => k.kid);
const verify = (jwks: { keys: JWK[] }, token: string) =>
  jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"], currentDate: new Date(clock) });
const signingKid = async (store: ToolKeyStore) => (await store.current()).currentKid();
/** The kid a token is really signed with, not just what the keys claim. */
const signedKid = async (store: ToolKeyStore) =>
  decodeProtectedHeader(await (await store.current()).sign({ sub: "client" }, { expiresInSeconds: 60 })).kid;
const iso = (ms: number) => new Date(ms).toISOString();

describe("createToolKeyStore", () => {
  it("store.sign signs with the key that signs now: the old one until a rotation's delay passes, then the new one", async () => {
    const store = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const oldKid = await signingKid(store);
    const { newKid } = await store.rotate();
    const signedBy = async () => decodeProtectedHeader(await store.sign({ sub: "client" }, { expiresInSeconds: 60 })).kid;
    expect(await signedBy()).toBe(oldKid);
    clock += DELAY_MS;
    expect(await signedBy()).toBe(newKid);
  });

  it("saves a first key on an empty database and a second store adopts it", async () => {
    const storage = openStorage();
    const first = await createToolKeyStore({ storage, now });
    const stored = await storage.loadToolKeys();
    expect(stored?.keys.keys).toHaveLength(1);
    const second = await createToolKeyStore({ storage: openStorage(), now });
    expect(await signingKid(second)).toBe(stored?.keys.currentKid);
    expect(await second.jwks()).toEqual(await first.jwks());
  });

  it("stores started at once on an empty database agree on one key", async () => {
    const stores = await Promise.all([0, 1, 2].map(() => createToolKeyStore({ storage: openStorage(), now })));
    const current = await Promise.all(stores.map(signingKid));
    expect(new Set(current).size).toBe(1);
    expect((await openStorage().loadToolKeys())?.keys.keys).toHaveLength(1);
  });

  it("publishes a rotated key at once but signs with it only after the delay, in this store and another on the database", async () => {
    const a = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const b = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const oldKid = await signingKid(b);

    const rotation = await a.rotate();
    expect(rotation).toEqual({ newKid: expect.any(String), signsFrom: iso(clock + DELAY_MS), publishedKids: [oldKid, rotation.newKid] });
    expect(rotation.newKid).not.toBe(oldKid);
    for (const store of [a, b]) {
      expect(kids(await store.jwks())).toEqual([oldKid, rotation.newKid]);
      expect(await signedKid(store)).toBe(oldKid);
      expect(await store.schedule()).toMatchObject({ signingKid: oldKid, next: { kid: rotation.newKid, signsFrom: clock + DELAY_MS } });
    }

    clock += DELAY_MS;
    for (const store of [a, b]) {
      expect(await signedKid(store)).toBe(rotation.newKid);
      expect(await store.schedule()).toMatchObject({ signingKid: rotation.newKid, next: null });
    }
    expect(await b.retire(oldKid)).toEqual({ publishedKids: [rotation.newKid] });
    expect(kids(await a.jwks())).toEqual([rotation.newKid]);
  });

  it.each([
    ["delay=0, at once", "new", 0, 0],
    ["delay=60000, 59999 ms later", "old", 60_000, 59_999],
    ["delay=60000, 60000 ms later", "new", 60_000, 60_000],
  ] as const)("signing key after rotation with %s: the %s one", async (_name, expected, activationDelayMs, elapsedMs) => {
    const store = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs });
    const oldKid = await signingKid(store);
    const { newKid } = await store.rotate();
    clock += elapsedMs;
    expect(await signedKid(store)).toBe(expected === "new" ? newKid : oldKid);
  });

  it("a token signed before the switch verifies against the JWKS until its key is retired", async () => {
    const store = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const { newKid } = await store.rotate();
    const before = await (await store.current()).sign({ sub: "client" }, { expiresInSeconds: 600 });
    clock += DELAY_MS;
    const after = await (await store.current()).sign({ sub: "client" }, { expiresInSeconds: 600 });

    expect((await verify(await store.jwks(), after)).protectedHeader.kid).toBe(newKid);
    const verified = await verify(await store.jwks(), before);
    await store.retire(verified.protectedHeader.kid!);
    await expect(verify(await store.jwks(), before)).rejects.toThrow();
    await expect(verify(await store.jwks(), after)).resolves.toBeDefined();
  });

  it("never publishes the sign-from time: the JWKS holds only public RSA members", async () => {
    const store = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    await store.rotate();
    const stored = await openStorage().loadToolKeys();
    expect(stored?.keys.keys.at(-1)).toHaveProperty(SIGN_FROM_MEMBER, clock + DELAY_MS);
    for (const key of (await store.jwks()).keys) expect(Object.keys(key).sort()).toEqual(["alg", "e", "kid", "kty", "n", "use"]);
  });

  describe("retire refuses", () => {
    type Setup = { store: ToolKeyStore; oldKid: string; newKid: string | null };
    it.each([
      ["the signing key with nothing pending", "current_key", false, (s: Setup) => s.oldKid,
        (s: Setup) => new RegExp(`${s.oldKid}: it is the key that signs now; rotate first`)],
      ["the signing key while a rotation is pending", "current_key", true, (s: Setup) => s.oldKid,
        (s: Setup) => new RegExp(`${s.oldKid}: it signs now, until ${s.newKid} takes over at ${iso(clock + DELAY_MS)}`)],
      ["the pending key", "current_key", true, (s: Setup) => s.newKid!,
        (s: Setup) => new RegExp(`${s.newKid}: it is pending and starts signing at ${iso(clock + DELAY_MS)}`)],
      ["an unknown key", "unknown_key", true, () => "no-such-kid", () => /unknown tool key no-such-kid/],
    ] as const)("%s (code %s) and leaves the keys alone", async (_name, code, rotated, pick, message) => {
      const storage = openStorage();
      const store = await createToolKeyStore({ storage, now, activationDelayMs: DELAY_MS });
      const oldKid = await signingKid(store);
      const newKid = rotated ? (await store.rotate()).newKid : null;
      const setup = { store, oldKid, newKid };
      const before = await storage.loadToolKeys();
      const refusal = await store.retire(pick(setup)).catch((err: unknown) => err);
      expect(refusal).toBeInstanceOf(KeyStoreError);
      expect(refusal).toMatchObject({ code, message: expect.stringMatching(message(setup)) });
      expect(await storage.loadToolKeys()).toEqual(before);
    });
  });

  it("a second rotation while one is pending is allowed: each key signs in turn and the newest wins", async () => {
    const store = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const start = clock;
    const first = await store.rotate();
    clock += DELAY_MS / 2;
    const second = await store.rotate();
    expect(second.signsFrom).toBe(iso(start + 1.5 * DELAY_MS));
    expect((await store.schedule()).next).toEqual({ kid: first.newKid, signsFrom: start + DELAY_MS });
    await expect(store.retire(second.newKid)).rejects.toMatchObject({ code: "current_key" });

    clock = start + DELAY_MS;
    expect(await signedKid(store)).toBe(first.newKid);
    clock = start + 1.5 * DELAY_MS;
    expect(await signedKid(store)).toBe(second.newKid);
    expect((await store.retire(first.newKid)).publishedKids).not.toContain(first.newKid);
  });

  it("a rotation with a shorter delay never signs before a key rotated earlier", async () => {
    const slow = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: DELAY_MS });
    const fast = await createToolKeyStore({ storage: openStorage(), now, activationDelayMs: 0 });
    const oldKid = await signingKid(slow);
    const start = clock;
    await slow.rotate();
    const newest = await fast.rotate();
    expect(newest.signsFrom).toBe(iso(start + DELAY_MS));
    expect(await signedKid(fast)).toBe(oldKid);
    clock = start + DELAY_MS;
    expect(await signedKid(fast)).toBe(newest.newKid);
  });

  it("keys stored before staged rotation (no sign-from times) keep their stored current key signing until the switch", async () => {
    const legacy = await createToolKeys();
    const firstKid = legacy.currentKid();
    const secondKid = await legacy.rotate();
    const exported = legacy.export();
    // The current key first: array order alone must not decide which untimed key signs.
    const storage = openStorage();
    expect(await storage.saveToolKeys({ currentKid: secondKid, keys: [...exported.keys].reverse() }, null)).toBe(true);
    const store = await createToolKeyStore({ storage, now, activationDelayMs: DELAY_MS });
    expect(await signedKid(store)).toBe(secondKid);

    const { newKid } = await store.rotate();
    expect(await signedKid(store)).toBe(secondKid);
    await expect(store.retire(secondKid)).rejects.toMatchObject({ code: "current_key" });
    expect((await store.retire(firstKid)).publishedKids).toEqual([secondKid, newKid]);
    clock += DELAY_MS;
    expect(await signedKid(store)).toBe(newKid);
  });

  it("concurrent rotations from two stores both land: no rotation overwrites another", async () => {
    const a = await createToolKeyStore({ storage: openStorage(), now });
    const b = await createToolKeyStore({ storage: openStorage(), now });
    const [ra, rb] = await Promise.all([a.rotate(), b.rotate()]);
    const published = kids(await a.jwks());
    expect(published).toHaveLength(3);
    expect(published).toEqual(expect.arrayContaining([ra.newKid, rb.newKid]));
  });

  it("gives up with a contention error when every save loses the race", async () => {
    const storage = openStorage();
    await createToolKeyStore({ storage, now });
    const store = await createToolKeyStore({
      storage: { loadToolKeys: () => storage.loadToolKeys(), saveToolKeys: async () => false },
      maxSaveAttempts: 3,
    });
    await expect(store.rotate()).rejects.toMatchObject({ code: "contention" });
  });

  it("re-imports only when the stored version or the signing key changes", async () => {
    const storage = openStorage();
    const store = await createToolKeyStore({ storage, now, activationDelayMs: DELAY_MS });
    const first = await store.current();
    expect(await store.current()).toBe(first);
    await store.rotate();
    const rotated = await store.current();
    expect(rotated).not.toBe(first);
    expect(await store.current()).toBe(rotated);

    const version = (await storage.loadToolKeys())?.version;
    clock += DELAY_MS;
    const switched = await store.current();
    expect(switched).not.toBe(rotated);
    expect(await store.current()).toBe(switched);
    expect((await storage.loadToolKeys())?.version).toBe(version);
  });

  it("adopts keys already stored, e.g. by the CLI, instead of generating new ones", async () => {
    const storage = openStorage();
    const existing = await createToolKeys();
    expect(await storage.saveToolKeys(existing.export(), null)).toBe(true);
    const store = await createToolKeyStore({ storage, now });
    expect(await signingKid(store)).toBe(existing.currentKid());
  });

  it("hands out keys that cannot be rotated behind storage's back", async () => {
    const store = await createToolKeyStore({ storage: openStorage(), now });
    const keys = await store.current();
    await expect(keys.rotate()).rejects.toThrow(/read-only/);
    expect(() => keys.retire(keys.currentKid())).toThrow(/read-only/);
  });

  it.each([
    ["a negative delay", -1],
    ["a fractional delay", 1.5],
  ])("refuses %s", async (_name, activationDelayMs) => {
    await expect(createToolKeyStore({ storage: openStorage(), now, activationDelayMs })).rejects.toThrow(/activationDelayMs must be a whole number/);
  });
});

describe("keySchedule", () => {
  it("names the key and the bad value when a stored sign-from time is not a number", async () => {
    const exported = (await createToolKeys()).export();
    const kid = exported.currentKid;
    const corrupt = { ...exported, keys: exported.keys.map((k) => ({ ...k, [SIGN_FROM_MEMBER]: "soon" })) };
    expect(() => keySchedule(corrupt, clock)).toThrow(new RegExp(`tool key ${kid} has an invalid ${SIGN_FROM_MEMBER} \\("soon"\\)`));
  });
});

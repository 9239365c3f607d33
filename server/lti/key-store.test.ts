import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLocalJWKSet, jwtVerify, type JWK } from "jose";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { openSqliteStorage } from "../storage/sqlite.ts";
import type { LeasedQueueStorage } from "../storage/types.ts";
import { createToolKeyStore, KeyStoreError } from "./key-store.ts";
import { createToolKeys } from "./tool-keys.ts";

let dir: string;
let opened: LeasedQueueStorage[];

/** Each call is a separate connection, as another API process or the CLI would have. */
function openStorage(): LeasedQueueStorage {
  const storage = openSqliteStorage({ file: join(dir, "autograde.sqlite") });
  opened.push(storage);
  return storage;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "autograde-key-store-"));
  opened = [];
});
afterEach(async () => {
  for (const storage of opened) await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

const kids = (jwks: { keys: JWK[] }) => jwks.keys.map((k) => k.kid);
const verify = (jwks: { keys: JWK[] }, token: string) => jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] });

describe("createToolKeyStore", () => {
  it("saves a first key on an empty database and a second store adopts it", async () => {
    const storage = openStorage();
    const first = await createToolKeyStore({ storage });
    const stored = await storage.loadToolKeys();
    expect(stored?.keys.keys).toHaveLength(1);
    const second = await createToolKeyStore({ storage: openStorage() });
    expect((await second.current()).currentKid()).toBe(stored?.keys.currentKid);
    expect(await second.jwks()).toEqual(await first.jwks());
  });

  it("stores started at once on an empty database agree on one key", async () => {
    const stores = await Promise.all([0, 1, 2].map(() => createToolKeyStore({ storage: openStorage() })));
    const current = await Promise.all(stores.map(async (s) => (await s.current()).currentKid()));
    expect(new Set(current).size).toBe(1);
    expect((await openStorage().loadToolKeys())?.keys.keys).toHaveLength(1);
  });

  it("two stores on one database see each other's rotation and retirement", async () => {
    const a = await createToolKeyStore({ storage: openStorage() });
    const b = await createToolKeyStore({ storage: openStorage() });
    const oldKid = (await b.current()).currentKid();

    const rotation = await a.rotate();
    expect(rotation.currentKid).not.toBe(oldKid);
    expect(rotation.publishedKids).toEqual([oldKid, rotation.currentKid]);
    expect((await b.current()).currentKid()).toBe(rotation.currentKid);
    expect(kids(await b.jwks())).toEqual([oldKid, rotation.currentKid]);

    expect(await b.retire(oldKid)).toEqual({ publishedKids: [rotation.currentKid] });
    expect(kids(await a.jwks())).toEqual([rotation.currentKid]);
  });

  it("a token signed before rotation verifies against the JWKS until its key is retired", async () => {
    const store = await createToolKeyStore({ storage: openStorage() });
    const before = await (await store.current()).sign({ sub: "client" }, { expiresInSeconds: 60 });
    const { currentKid } = await store.rotate();
    const after = await (await store.current()).sign({ sub: "client" }, { expiresInSeconds: 60 });

    expect((await verify(await store.jwks(), after)).protectedHeader.kid).toBe(currentKid);
    const verified = await verify(await store.jwks(), before);
    await store.retire(verified.protectedHeader.kid!);
    await expect(verify(await store.jwks(), before)).rejects.toThrow();
    await expect(verify(await store.jwks(), after)).resolves.toBeDefined();
  });

  it.each([
    ["the current key", "current_key", async (kid: string) => kid, /cannot retire the current tool key/],
    ["an unknown key", "unknown_key", async () => "no-such-kid", /unknown tool key no-such-kid/],
  ])("refuses to retire %s with code %s and leaves the keys alone", async (_name, code, pick, message) => {
    const storage = openStorage();
    const store = await createToolKeyStore({ storage });
    const kid = await pick((await store.current()).currentKid());
    const before = await storage.loadToolKeys();
    const refusal = await store.retire(kid).catch((err: unknown) => err);
    expect(refusal).toBeInstanceOf(KeyStoreError);
    expect(refusal).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(await storage.loadToolKeys()).toEqual(before);
  });

  it("concurrent rotations from two stores both land: no rotation overwrites another", async () => {
    const a = await createToolKeyStore({ storage: openStorage() });
    const b = await createToolKeyStore({ storage: openStorage() });
    const [ra, rb] = await Promise.all([a.rotate(), b.rotate()]);
    const published = kids(await a.jwks());
    expect(published).toHaveLength(3);
    expect(published).toEqual(expect.arrayContaining([ra.currentKid, rb.currentKid]));
  });

  it("gives up with a contention error when every save loses the race", async () => {
    const storage = openStorage();
    await createToolKeyStore({ storage });
    const store = await createToolKeyStore({
      storage: { loadToolKeys: () => storage.loadToolKeys(), saveToolKeys: async () => false },
      maxSaveAttempts: 3,
    });
    await expect(store.rotate()).rejects.toMatchObject({ code: "contention" });
  });

  it("re-imports only when the stored version changes", async () => {
    const storage = openStorage();
    const store = await createToolKeyStore({ storage });
    const first = await store.current();
    expect(await store.current()).toBe(first);
    await store.rotate();
    const rotated = await store.current();
    expect(rotated).not.toBe(first);
    expect(await store.current()).toBe(rotated);
  });

  it("adopts keys already stored, e.g. by the CLI, instead of generating new ones", async () => {
    const storage = openStorage();
    const existing = await createToolKeys();
    expect(await storage.saveToolKeys(existing.export(), null)).toBe(true);
    const store = await createToolKeyStore({ storage });
    expect((await store.current()).currentKid()).toBe(existing.currentKid());
  });

  it("hands out keys that cannot be rotated behind storage's back", async () => {
    const store = await createToolKeyStore({ storage: openStorage() });
    const keys = await store.current();
    await expect(keys.rotate()).rejects.toThrow(/read-only/);
    expect(() => keys.retire(keys.currentKid())).toThrow(/read-only/);
  });
});

import { createLocalJWKSet, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createToolKeys } from "./tool-keys.ts";

const verifyWith = (jwks: ReturnType<Awaited<ReturnType<typeof createToolKeys>>["jwks"]>, token: string) =>
  jwtVerify(token, createLocalJWKSet(jwks), { algorithms: ["RS256"] });

describe("createToolKeys", () => {
  it("publishes only public parts and signs verifiable RS256 tokens with the kid in the header", async () => {
    const keys = await createToolKeys();
    const { keys: published } = keys.jwks();
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ kty: "RSA", alg: "RS256", use: "sig", kid: keys.currentKid() });
    expect(published[0]).not.toHaveProperty("d");
    const token = await keys.sign({ sub: "client" }, { expiresInSeconds: 60 });
    const { payload, protectedHeader } = await verifyWith(keys.jwks(), token);
    expect(protectedHeader.kid).toBe(keys.currentKid());
    expect(payload.sub).toBe("client");
    expect(payload.exp! - payload.iat!).toBe(60);
  });

  it("rotation publishes both keys, signs with the new one, and retiring drops the old one", async () => {
    const keys = await createToolKeys();
    const oldKid = keys.currentKid();
    const oldToken = await keys.sign({}, { expiresInSeconds: 60 });
    const newKid = await keys.rotate();
    expect(newKid).not.toBe(oldKid);
    expect(keys.jwks().keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    const newToken = await keys.sign({}, { expiresInSeconds: 60 });
    expect((await verifyWith(keys.jwks(), newToken)).protectedHeader.kid).toBe(newKid);
    await expect(verifyWith(keys.jwks(), oldToken)).resolves.toBeDefined();
    keys.retire(oldKid);
    expect(keys.jwks().keys.map((k) => k.kid)).toEqual([newKid]);
    await expect(verifyWith(keys.jwks(), oldToken)).rejects.toThrow();
  });

  it("refuses to retire the current key or an unknown one", async () => {
    const keys = await createToolKeys();
    expect(() => keys.retire(keys.currentKid())).toThrow(/current/);
    expect(() => keys.retire("nope")).toThrow(/unknown tool key nope/);
  });

  it("round-trips through JSON: imported keys sign tokens the exported JWKS verifies", async () => {
    const original = await createToolKeys();
    await original.rotate();
    const json = JSON.parse(JSON.stringify(original.export()));
    const restored = await createToolKeys({ stored: json });
    expect(restored.currentKid()).toBe(original.currentKid());
    expect(restored.jwks()).toEqual(original.jwks());
    const token = await restored.sign({ sub: "x" }, { expiresInSeconds: 30 });
    await expect(verifyWith(original.jwks(), token)).resolves.toBeDefined();
  });

  it.each([
    ["not an object", "nope", /invalid stored tool keys/],
    ["no keys", { currentKid: "a", keys: [] }, /at least one key/],
    ["current kid missing", { currentKid: "zz", keys: [{ kty: "RSA", kid: "a", n: "x", e: "AQAB", d: "y" }] }, /currentKid must name/],
    ["public key only", { currentKid: "a", keys: [{ kty: "RSA", kid: "a", n: "x", e: "AQAB" }] }, /keys\.0\.d/],
  ])("rejects stored keys: %s", async (_name, stored, message) => {
    await expect(createToolKeys({ stored })).rejects.toThrow(message);
  });

  it("rejects a non-positive lifetime", async () => {
    const keys = await createToolKeys();
    await expect(keys.sign({}, { expiresInSeconds: 0 })).rejects.toThrow(/expiresInSeconds/);
  });
});

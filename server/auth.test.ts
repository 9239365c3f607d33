import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bearerToken, createAuthenticator, generateLaunchToken, generateSecret, hashSecret, isAdmin, requireAdmin, type Principal } from "./auth.ts";
import { openSqliteStorage } from "./storage/sqlite.ts";

const dir = mkdtempSync(join(tmpdir(), "autograde-auth-"));
const storage = openSqliteStorage({ file: join(dir, "a.sqlite") });
afterAll(async () => {
  await storage.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("authentication", () => {
  it.each([
    ["Bearer abc", "abc"],
    ["bearer   abc  ", "abc"],
    ["Basic abc", null],
    ["Bearer", null],
    [undefined, null],
  ])("bearerToken(%j) = %j", (header, expected) => {
    expect(bearerToken(header)).toBe(expected);
  });

  it("accepts configured and stored keys, and nothing else", async () => {
    const secret = generateSecret();
    expect(secret).not.toBe(generateSecret());
    await storage.createApiKey({ role: "student", name: "dave", secretHash: hashSecret(secret), now: 1 });
    const authenticate = createAuthenticator({
      staticKeys: [{ role: "staff", name: "prof", secret: "staff-secret-123" }],
      storage,
    });
    expect(await authenticate("staff-secret-123")).toEqual({ role: "staff", name: "prof", keyId: "env:staff:prof", origin: "api_key" });
    expect(await authenticate(secret)).toMatchObject({ role: "student", name: "dave", origin: "api_key" });
    expect(await authenticate("staff-secret-124")).toBeNull();
    await storage.revokeApiKey("dave", 2);
    expect(await authenticate(secret)).toBeNull();
  });

  it("an LTI staff session is course staff, never an administrator", async () => {
    const token = generateLaunchToken();
    await storage.upsertLtiUser({ userKey: "iss|teacher", student: "lti-teacher", issuer: "iss", subject: "teacher", name: null, email: null, now: 1 });
    await storage.createLtiSession({ id: "s1", tokenHash: hashSecret(token), student: "lti-teacher", role: "staff", userKey: "iss|teacher", expiresAt: Date.now() + 60_000, now: 1 });
    const authenticate = createAuthenticator({ staticKeys: [{ role: "staff", name: "prof", secret: "staff-secret-123" }], storage });
    const teacher = await authenticate(token);
    const prof = await authenticate("staff-secret-123");
    expect(teacher).toEqual({ role: "staff", name: "lti-teacher", keyId: "lti:lti-teacher", origin: "lti" });
    expect(isAdmin(prof!)).toBe(true);
    expect(isAdmin(teacher!)).toBe(false);
    expect(() => requireAdmin(prof!)).not.toThrow();
    expect(() => requireAdmin(teacher!)).toThrow(expect.objectContaining({ statusCode: 403, code: "forbidden", message: expect.stringMatching(/course-staff rights .* staff API key/) }));
    const student: Principal = { role: "student", name: "dave", keyId: "k", origin: "api_key" };
    expect(() => requireAdmin(student)).toThrow(expect.objectContaining({ statusCode: 403, message: "this needs a staff API key" }));
  });
});

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { bearerToken, createAuthenticator, generateSecret, hashSecret } from "./auth.ts";
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
    expect(await authenticate("staff-secret-123")).toEqual({ role: "staff", name: "prof", keyId: "env:staff:prof" });
    expect(await authenticate(secret)).toMatchObject({ role: "student", name: "dave" });
    expect(await authenticate("staff-secret-124")).toBeNull();
    await storage.revokeApiKey("dave", 2);
    expect(await authenticate(secret)).toBeNull();
  });
});

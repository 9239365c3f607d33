import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../server/auth.ts";
import { openAdminStorage, openStorage } from "../../server/service.ts";
import { createTestDatabase } from "../../tests/helpers/pg.ts";
import { UsageError } from "../usage.ts";
import { command } from "./keys.ts";
import { runCaptured } from "../run-captured.ts";

const dataDir = mkdtempSync(join(tmpdir(), "autograde-keys-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(...args: string[]) {
  return runWith({ AUTOGRADE_DATA_DIR: dataDir }, ...args);
}

const runWith = (env: NodeJS.ProcessEnv, ...args: string[]) => runCaptured(command, args, env);

describe("autograde keys", () => {
  it("creates a key whose secret is printed once and stored only as a hash, lists and revokes it", async () => {
    const created = await run("create", "--role", "student", "--name", "alice");
    expect(created.code).toBe(0);
    const secret = created.out.trim();
    expect(secret).toMatch(/^ag_[A-Za-z0-9_-]{32}$/);
    const storage = openStorage({ dataDir });
    expect(await storage.findApiKeyByHash(hashSecret(secret))).toMatchObject({ role: "student", name: "alice" });
    await storage.close();

    const listed = await run("list", "--format", "json");
    expect(JSON.parse(listed.out)).toMatchObject([{ role: "student", name: "alice", revokedAt: null }]);
    expect(listed.out).not.toContain(secret);

    expect((await run("revoke", "alice")).out).toMatch(/revoked 1 key/);
    expect((await run("revoke", "alice")).code).toBe(1);
  });

  it.each([
    [["create", "--role", "admin", "--name", "x"], /--role must be staff or student/],
    [["create", "--role", "staff", "--name", "has space"], /--name: use 1-64/],
    [["drop"], /unknown subcommand "drop"/],
    [["revoke"], /name the key/],
    [["list", "--verbose"], /unknown flag --verbose/],
  ])("keys %j is a usage error", async (args, message) => {
    await expect(run(...args)).rejects.toThrow(UsageError);
    await expect(run(...args)).rejects.toThrow(message);
  });
});

describe("autograde keys with DATABASE_URL", () => {
  it("stores the key in PostgreSQL, where the scaled-out service looks for it, not in SQLite", async () => {
    const db = await createTestDatabase();
    const pgDataDir = mkdtempSync(join(tmpdir(), "autograde-keys-pg-"));
    try {
      const env = { DATABASE_URL: db.url, AUTOGRADE_DATA_DIR: pgDataDir };
      const created = await runWith(env, "create", "--role", "staff", "--name", "prof");
      expect(created.code).toBe(0);
      const secret = created.out.trim();
      const storage = await openAdminStorage({ dataDir: pgDataDir, databaseUrl: db.url });
      try {
        expect(await storage.findApiKeyByHash(hashSecret(secret))).toMatchObject({ role: "staff", name: "prof" });
      } finally {
        await storage.close();
      }
      const sqlite = openStorage({ dataDir: pgDataDir });
      expect(await sqlite.findApiKeyByHash(hashSecret(secret))).toBeNull();
      await sqlite.close();
      expect((await runWith(env, "revoke", "prof")).out).toMatch(/revoked 1 key/);
    } finally {
      rmSync(pgDataDir, { recursive: true, force: true });
      await db.drop();
    }
  });
});

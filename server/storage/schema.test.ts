import Database from "better-sqlite3";
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/helpers/pg.ts";
import { shippedMigrations } from "./fixtures/shipped.ts";
import { migrationsFor } from "./schema.ts";

/**
 * Old databases are upgraded by counting entries, so each shipped entry must still build exactly
 * the schema it built when it shipped. Compared after every entry, not only at the end, so that a
 * difference in one entry cannot be hidden by a later one.
 */

const squeeze = (text: string | null) => (text === null ? null : text.replace(/\s+/g, " ").replace(/\( /g, "(").replace(/ \)/g, ")").trim());

function sqliteSchema(db: Database.Database) {
  return (db.prepare("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").all() as { name: string; sql: string | null }[]).map((row) => ({
    ...row,
    sql: squeeze(row.sql),
  }));
}

async function postgresSchema(pool: pg.Pool) {
  const query = async (text: string) => (await pool.query(text)).rows;
  return {
    columns: await query(`SELECT table_name, column_name, ordinal_position, data_type, is_nullable, column_default
      FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, ordinal_position`),
    indexes: await query("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname"),
    constraints: await query(`SELECT c.conrelid::regclass::text AS table_name, c.conname, pg_get_constraintdef(c.oid) AS definition
      FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' ORDER BY table_name, c.conname`),
    sequences: await query("SELECT sequence_name, data_type FROM information_schema.sequences WHERE sequence_schema = 'public' ORDER BY sequence_name"),
  };
}

describe("one schema source", () => {
  it("renders as many entries per dialect as shipped, SQLite without PostgreSQL's rate limit table", () => {
    expect(migrationsFor("sqlite")).toHaveLength(shippedMigrations("sqlite").length);
    expect(migrationsFor("postgres")).toHaveLength(shippedMigrations("postgres").length);
    expect(migrationsFor("sqlite").join("")).not.toContain("rate_limit_windows");
    expect(migrationsFor("postgres").join("")).toContain("rate_limit_windows");
  });

  it("SQLite: every shipped entry builds the schema it shipped with (sqlite_master)", () => {
    const rendered = new Database(":memory:");
    const frozen = new Database(":memory:");
    try {
      const shipped = shippedMigrations("sqlite");
      migrationsFor("sqlite").forEach((entry, i) => {
        rendered.exec(entry);
        frozen.exec(shipped[i]!);
        expect(sqliteSchema(rendered), `entry ${i + 1}`).toEqual(sqliteSchema(frozen));
      });
      // The comparison sees what the dialects differ in: the embedded queue's lease column.
      expect(sqliteSchema(rendered).find((row) => row.name === "jobs")?.sql).toContain("lease_expires_at INTEGER");
    } finally {
      rendered.close();
      frozen.close();
    }
  });

  it("PostgreSQL: every shipped entry builds the schema it shipped with (columns, indexes, constraints)", async () => {
    const [rendered, frozen] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const renderedPool = rendered.pool(1);
      const frozenPool = frozen.pool(1);
      const shipped = shippedMigrations("postgres");
      for (const [i, entry] of migrationsFor("postgres").entries()) {
        await renderedPool.query(entry);
        await frozenPool.query(shipped[i]!);
        expect(await postgresSchema(renderedPool), `entry ${i + 1}`).toEqual(await postgresSchema(frozenPool));
      }
      const { columns } = await postgresSchema(renderedPool);
      expect(columns).toContainEqual(expect.objectContaining({ table_name: "submissions", column_name: "created_at", data_type: "bigint" }));
      expect(columns.filter((c) => c.column_name === "lease_expires_at")).toEqual([]);
    } finally {
      await Promise.all([rendered.drop(), frozen.drop()]);
    }
  });
});

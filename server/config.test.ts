import { describe, expect, it } from "vitest";
import { parseGraderConfig } from "../grader/config.ts";
import { loadServerConfig } from "./config.ts";

describe("loadServerConfig", () => {
  it("applies defaults, including the embedded grader config", () => {
    const config = loadServerConfig({});
    expect(config).toMatchObject({ port: 3000, host: "127.0.0.1", dataDir: "./data", apiKeys: [] });
    expect(config.grader.maxSourceBytes).toBe(262_144);
  });

  it("reads every kind of variable", () => {
    const config = loadServerConfig({
      PORT: "8080",
      AUTOGRADE_API_KEYS: "staff:prof:aaaaaaaaaaaa, student:alice:bb:bbbbbbbbbbb",
      AUTOGRADE_TYPECHECK: "false",
      AUTOGRADE_POOL_SIZE: "2",
    });
    expect(config.port).toBe(8080);
    expect(config.apiKeys).toEqual([
      { role: "staff", name: "prof", secret: "aaaaaaaaaaaa" },
      { role: "student", name: "alice", secret: "bb:bbbbbbbbbbb" },
    ]);
    expect(config.grader).toMatchObject({ typecheck: false, poolSize: 2 });
  });

  it("reads the LTI settings: frame ancestors as a list, the public origin, the score policy", () => {
    const config = loadServerConfig({
      AUTOGRADE_LTI_FRAME_ANCESTORS: "https://canvas.example.edu,  https://moodle.example.edu:8443",
      AUTOGRADE_PUBLIC_URL: "https://autograde.example.edu",
      AUTOGRADE_LTI_SCORE_POLICY: "latest",
      AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS: "0",
    });
    expect(config.ltiKeyActivationDelayMs).toBe(0);
    expect(config.ltiFrameAncestors).toEqual(["https://canvas.example.edu", "https://moodle.example.edu:8443"]);
    expect(config).toMatchObject({ publicUrl: "https://autograde.example.edu", ltiScorePolicy: "latest" });
    expect(loadServerConfig({ AUTOGRADE_LTI_FRAME_ANCESTORS: "" }).ltiFrameAncestors).toEqual([]);
    // A Moodle run locally while setting up may be plain http, on this machine only.
    expect(loadServerConfig({ AUTOGRADE_LTI_FRAME_ANCESTORS: "http://localhost:8080" }).ltiFrameAncestors).toEqual(["http://localhost:8080"]);
    expect(loadServerConfig({})).toMatchObject({ ltiScorePolicy: "best", ltiKeyActivationDelayMs: 120_000 });
  });

  it.each([
    [{ PORT: "eighty" }, /^invalid configuration: PORT: /],
    [{ PORT: "70000" }, /PORT: /],
    [{ AUTOGRADE_POOL_SIZE: "0" }, /AUTOGRADE_POOL_SIZE: /],
    [{ AUTOGRADE_TYPECHECK: "maybe" }, /AUTOGRADE_TYPECHECK: /],
    [{ AUTOGRADE_API_KEYS: "teacher:prof:aaaaaaaaaaaa" }, /AUTOGRADE_API_KEYS entry 1: /],
    [{ AUTOGRADE_API_KEYS: "staff:prof" }, /AUTOGRADE_API_KEYS: entry 1 must look like role:name:secret/],
    [{ AUTOGRADE_WEBHOOK_SECRET: "short" }, /AUTOGRADE_WEBHOOK_SECRET: /],
    [{ AUTOGRADE_LTI_FRAME_ANCESTORS: "https://canvas.example.edu, http://moodle.example.edu" }, /AUTOGRADE_LTI_FRAME_ANCESTORS entry 2: each must be an https origin/],
    [{ AUTOGRADE_PUBLIC_URL: "https://autograde.example.edu/app" }, /AUTOGRADE_PUBLIC_URL: must be an origin/],
    [{ AUTOGRADE_LTI_SCORE_POLICY: "average" }, /AUTOGRADE_LTI_SCORE_POLICY: /],
  ])("rejects %j naming the variable", (env, message) => {
    expect(() => loadServerConfig(env)).toThrow(message);
  });

  it("selects PostgreSQL and a role from DATABASE_URL and AUTOGRADE_ROLE; the embedded default is role all without a database", () => {
    const embedded = loadServerConfig({});
    expect(embedded.role).toBe("all");
    expect(embedded.databaseUrl).toBeUndefined();
    const config = loadServerConfig({ DATABASE_URL: "postgres://u:p@db:5432/autograde", AUTOGRADE_ROLE: "worker", AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: "2000" });
    expect(config).toMatchObject({ databaseUrl: "postgres://u:p@db:5432/autograde", role: "worker", queueMaintenanceIntervalMs: 2000 });
  });

  it.each([
    [{ AUTOGRADE_ROLE: "api" }, /AUTOGRADE_ROLE: api and worker roles share a database: set DATABASE_URL/],
    [{ AUTOGRADE_ROLE: "worker" }, /set DATABASE_URL/],
    [{ AUTOGRADE_ROLE: "grader", DATABASE_URL: "postgres://db/x" }, /AUTOGRADE_ROLE: /],
    [{ DATABASE_URL: "mysql://u:hunter2@db/x" }, /DATABASE_URL: must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: "10", DATABASE_URL: "postgres://db/x" }, /AUTOGRADE_QUEUE_MAINTENANCE_INTERVAL_MS: /],
  ])("rejects scale-out config %j naming the problem", (env, message) => {
    expect(() => loadServerConfig(env)).toThrow(message);
  });

  it("never echoes a database password in the error", () => {
    expect(() => loadServerConfig({ DATABASE_URL: "mysql://u:hunter2@db/x" })).toThrow(/^(?!.*hunter2)/s);
  });

  it("reads the HTTP timeouts, and refuses an idle timeout the longest ?wait=true would outlast or a headers timeout above the request's", () => {
    expect(loadServerConfig({})).toMatchObject({ connectionTimeoutMs: 60_000, requestTimeoutMs: 60_000, headersTimeoutMs: 10_000, keepAliveTimeoutMs: 5_000 });
    expect(loadServerConfig({ AUTOGRADE_REQUEST_TIMEOUT_MS: "2000", AUTOGRADE_HEADERS_TIMEOUT_MS: "1000", AUTOGRADE_KEEP_ALIVE_TIMEOUT_MS: "800" }))
      .toMatchObject({ requestTimeoutMs: 2000, headersTimeoutMs: 1000, keepAliveTimeoutMs: 800 });
    expect(() => loadServerConfig({ AUTOGRADE_WAIT_MAX_MS: "60000" })).toThrow(/AUTOGRADE_CONNECTION_TIMEOUT_MS: must be above AUTOGRADE_WAIT_MAX_MS/);
    expect(loadServerConfig({ AUTOGRADE_WAIT_MAX_MS: "60000", AUTOGRADE_CONNECTION_TIMEOUT_MS: "90000" }).connectionTimeoutMs).toBe(90_000);
    expect(() => loadServerConfig({ AUTOGRADE_REQUEST_TIMEOUT_MS: "5000", AUTOGRADE_HEADERS_TIMEOUT_MS: "6000" })).toThrow(/AUTOGRADE_HEADERS_TIMEOUT_MS: must not be above AUTOGRADE_REQUEST_TIMEOUT_MS/);
  });

  it("never echoes a secret in the error", () => {
    expect(() => loadServerConfig({ AUTOGRADE_API_KEYS: "staff:prof:tiny-secret" })).toThrow(/^(?!.*tiny-secret)/s);
  });

  it("limits the type checker to a quarter of a core in the service unless told otherwise, where the grader alone never skips", () => {
    expect(loadServerConfig({}).grader.typecheckMaxBusyPercent).toBe(25);
    expect(loadServerConfig({ AUTOGRADE_TYPECHECK_MAX_BUSY_PERCENT: "100" }).grader.typecheckMaxBusyPercent).toBe(100);
    expect(() => loadServerConfig({ AUTOGRADE_TYPECHECK_MAX_BUSY_PERCENT: "0" })).toThrow(/AUTOGRADE_TYPECHECK_MAX_BUSY_PERCENT/);
    expect(parseGraderConfig({}).typecheckMaxBusyPercent).toBe(100);
  });
});

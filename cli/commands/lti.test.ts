import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage } from "../../server/service.ts";
import { UsageError } from "../usage.ts";
import { command } from "./lti.ts";
import { runCaptured } from "../run-captured.ts";

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
function freshDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "autograde-lti-cli-"));
  dirs.push(dir);
  return dir;
}

const runWith = (env: NodeJS.ProcessEnv, ...args: string[]) => runCaptured(command, args, env);

const platformFlags = (issuer: string) => [
  "--issuer", issuer, "--client-id", "client-1", "--deployment-id", "dep-1", "--deployment-id", "dep-2",
  "--auth-login-url", "https://lms.example.edu/auth", "--auth-token-url", "https://lms.example.edu/token",
  "--jwks-url", "https://lms.example.edu/jwks",
];

describe("autograde lti registrations", () => {
  const dataDir = freshDataDir();
  const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir }, ...args);

  it("registers a platform with repeated deployment ids, lists it, refuses a duplicate, replaces deployments, removes it", async () => {
    const created = await run("register", ...platformFlags("https://canvas.example.edu"));
    expect(created.code).toBe(0);
    const id = created.out.trim();
    const storage = openStorage({ dataDir });
    try {
      expect(await storage.getLtiRegistration(id)).toMatchObject({ issuer: "https://canvas.example.edu", clientId: "client-1", deploymentIds: ["dep-1", "dep-2"] });
    } finally {
      await storage.close();
    }

    const listed = await run("list", "--format", "json");
    expect(JSON.parse(listed.out)).toMatchObject([{ id, issuer: "https://canvas.example.edu", deploymentIds: ["dep-1", "dep-2"] }]);
    expect((await run("list")).out).toMatch(new RegExp(`^${id}  https://canvas\\.example\\.edu  client client-1  deployments dep-1,dep-2  \\d{4}-`));

    const duplicate = await run("register", ...platformFlags("https://canvas.example.edu"));
    expect(duplicate.code).toBe(1);
    expect(duplicate.err).toMatch(/already registered/);

    expect((await run("deployments", id, "--deployment-id", "dep-9")).out).toMatch(/accepts deployments dep-9/);
    expect(JSON.parse((await run("list", "--format", "json")).out)[0].deploymentIds).toEqual(["dep-9"]);
    expect((await run("deployments", "no-such-id", "--deployment-id", "x")).code).toBe(1);

    expect((await run("remove", id)).code).toBe(0);
    const again = await run("remove", id);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/no LTI registration/);
    expect((await run("list")).out.trim()).toBe("no LTI registrations");
  });
});

describe("autograde lti keys", () => {
  const listedKids = async (run: (...args: string[]) => ReturnType<typeof runWith>) => (await run("keys")).out.trim().split("\n");
  const firstKey = async (run: (...args: string[]) => ReturnType<typeof runWith>) => {
    expect((await run("keys")).out).toMatch(/no tool keys yet/);
    expect((await run("rotate-key")).out).toMatch(/created the first tool key/);
    const [first] = await listedKids(run);
    expect(first).toMatch(/^\S+  signing$/);
    return first!.replace(/  signing$/, "");
  };

  it("rotate-key with AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS=600000: the new key is pending, the old one signs, neither can be retired", async () => {
    const delayMs = 600_000;
    const dataDir = freshDataDir();
    const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir, AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS: String(delayMs) }, ...args);
    const oldKid = await firstKey(run);

    const before = Date.now();
    const rotated = await run("rotate-key");
    const after = Date.now();
    expect(rotated.code).toBe(0);
    const [, newKid, signsFrom] = /^published (\S+); it signs from (\S+); (\S+) signs until then;/.exec(rotated.out) ?? [];
    expect(rotated.out).toContain(`; ${oldKid} signs until then; published: ${oldKid}, ${newKid}`);
    expect(Date.parse(signsFrom!)).toBeGreaterThanOrEqual(before + delayMs);
    expect(Date.parse(signsFrom!)).toBeLessThanOrEqual(after + delayMs);
    expect(await listedKids(run)).toEqual([`${oldKid}  signing`, `${newKid}  pending until ${signsFrom}`]);

    const pending = await run("retire-key", newKid!);
    expect(pending.code).toBe(1);
    expect(pending.err).toContain(`cannot retire tool key ${newKid}: it is pending and starts signing at ${signsFrom}`);
    const signing = await run("retire-key", oldKid);
    expect(signing.code).toBe(1);
    expect(signing.err).toContain(`cannot retire tool key ${oldKid}: it signs now, until ${newKid} takes over at ${signsFrom}`);
    const unknown = await run("retire-key", "no-such-kid");
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/unknown tool key no-such-kid/);
    expect(await listedKids(run)).toHaveLength(2);
  });

  it("rotate-key with AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS=0 signs at once, and the old key can be retired", async () => {
    const dataDir = freshDataDir();
    const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir, AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS: "0" }, ...args);
    const oldKid = await firstKey(run);

    const rotated = await run("rotate-key");
    const newKid = /^published (\S+); it signs now;/.exec(rotated.out)?.[1];
    expect(newKid).toBeDefined();
    expect(await listedKids(run)).toEqual([oldKid, `${newKid}  signing`]);
    const current = await run("retire-key", newKid!);
    expect(current.code).toBe(1);
    expect(current.err).toMatch(/it is the key that signs now; rotate first/);

    expect((await run("retire-key", oldKid)).code).toBe(0);
    expect(await listedKids(run)).toEqual([`${newKid}  signing`]);
  });

  it("a bad AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS is a usage error naming it", async () => {
    const result = runWith({ AUTOGRADE_DATA_DIR: freshDataDir(), AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS: "-5" }, "rotate-key");
    await expect(result).rejects.toThrow(UsageError);
    await expect(result).rejects.toThrow(/lti rotate-key: .*AUTOGRADE_LTI_KEY_ACTIVATION_DELAY_MS/);
  });
});

describe("autograde lti publications", () => {
  const dataDir = freshDataDir();
  const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir }, ...args);

  it("lists score publications, filtered by student and state", async () => {
    const storage = openStorage({ dataDir });
    try {
      const base = { registrationId: "reg", lineItemUrl: "https://lms.example.edu/li/1", gradingAttempt: 1, scoreMaximum: 10, submissionId: "00000000-0000-4000-8000-000000000001" };
      await storage.createLtiPublication({ ...base, student: "carol", scoreGiven: 6, createdAt: Date.parse("2026-03-01T00:00:00Z") });
      const failed = await storage.createLtiPublication({ ...base, student: "dave", scoreGiven: 9, createdAt: Date.parse("2026-03-02T00:00:00Z") });
      await storage.updateLtiPublication(failed.id, { state: "failed", attempts: 3, statusCode: 503, error: "platform unavailable", now: Date.parse("2026-03-02T00:01:00Z") });
    } finally {
      await storage.close();
    }

    const all = JSON.parse((await run("publications", "--format", "json")).out);
    expect(all.map((p: { student: string }) => p.student)).toEqual(["dave", "carol"]);
    expect(all[0]).toMatchObject({ state: "failed", statusCode: 503, updatedAt: "2026-03-02T00:01:00.000Z" });
    expect(JSON.parse((await run("publications", "--student", "carol", "--format", "json")).out)).toMatchObject([{ student: "carol", scoreGiven: 6 }]);
    const failedText = (await run("publications", "--state", "failed")).out.trim();
    expect(failedText).toMatch(/^2026-03-02T00:01:00\.000Z  failed +dave  9\/10  .*platform unavailable$/);
    expect((await run("publications", "--state", "published")).out.trim()).toBe("no LTI score publications");
  });
});

describe("autograde lti tool", () => {
  it.each([
    ["--public-url", {}, ["--public-url", "https://grader.example.edu"], "https://grader.example.edu"],
    ["AUTOGRADE_PUBLIC_URL", { AUTOGRADE_PUBLIC_URL: "https://env.example.edu" }, [], "https://env.example.edu"],
    ["--public-url over AUTOGRADE_PUBLIC_URL", { AUTOGRADE_PUBLIC_URL: "https://env.example.edu" }, ["--public-url", "https://flag.example.edu"], "https://flag.example.edu"],
  ])("origin from %s", async (_name, env, args, origin) => {
    const r = await runWith(env, "tool", ...args);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`login initiation URL:  ${origin}/lti/login`);
    expect(r.out).toContain(`redirect URI:          ${origin}/lti/launch`);
    expect(r.out).toContain(`target link URI:       ${origin}/lti/launch`);
    expect(r.out).toContain(`deep linking URL:      ${origin}/lti/launch`);
    expect(r.out).not.toContain("/lti/deep-link");
    expect(r.out).toContain(`public JWKS URL:       ${origin}/.well-known/jwks.json`);
  });
});

describe("autograde lti usage errors", () => {
  const dataDir = freshDataDir();
  const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir }, ...args);
  const withoutFlag = (flag: string) => {
    const flags = platformFlags("https://lms.example.edu");
    const at = flags.indexOf(flag);
    return flags.filter((_, i) => i !== at && i !== at + 1);
  };

  it.each([
    [[], /missing subcommand/],
    [["drop"], /unknown subcommand "drop"/],
    [["register", ...withoutFlag("--issuer")], /lti register: missing --issuer/],
    [["register", ...platformFlags("https://lms.example.edu").filter((f) => !f.startsWith("dep-") && f !== "--deployment-id")], /missing --deployment-id/],
    [["register", ...platformFlags("not a url")], /--issuer: issuer must be a URL/],
    [["register", ...platformFlags("https://lms.example.edu"), "--format", "json"], /lti register: unknown flag --format/],
    [["list", "--format", "xml"], /unknown format "xml"/],
    [["deployments", "reg-1"], /--deployment-id: at least one deployment id/],
    [["deployments", "--deployment-id", "d"], /missing REGISTRATION_ID/],
    [["remove"], /missing REGISTRATION_ID/],
    [["remove", "a", "b"], /unexpected argument "b"/],
    [["retire-key"], /missing KID/],
    [["keys", "--student", "x"], /unknown flag --student/],
    [["publications", "--state", "sent"], /--state must be one of pending, published, failed/],
    [["publications", "--limit", "0"], /--limit must be a whole number/],
    [["publications", "--student", "has space"], /--student: use 1-64/],
    [["tool"], /give --public-url/],
    [["tool", "--public-url", "https://x.example.edu/path"], /without a path/],
  ])("lti %j is a usage error", async (args, message) => {
    const result = run(...args);
    await expect(result).rejects.toThrow(UsageError);
    await expect(result).rejects.toThrow(message);
  });
});

describe("autograde lti link-context", () => {
  const dataDir = freshDataDir();
  const run = (...args: string[]) => runWith({ AUTOGRADE_DATA_DIR: dataDir }, ...args);
  const link = (contextId: string, course: string) => run("link-context", "--issuer", "https://lms.example.edu", "--context-id", contextId, "--course", course);

  it("links two sections to one course and refuses moving one to another course", async () => {
    const storage = openStorage({ dataDir });
    await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
    await storage.createCourse({ id: "cs102", title: "CS 102", now: 1 });
    await storage.close();
    expect(await link("sec-a", "cs101")).toMatchObject({ code: 0, out: "context sec-a of https://lms.example.edu opens course cs101\n" });
    expect((await link("sec-b", "cs101")).code).toBe(0);
    const moved = await link("sec-a", "cs102");
    expect(moved.code).toBe(1);
    expect(moved.err).toContain("already belongs to course cs101");
    const check = openStorage({ dataDir });
    expect(await check.courseForLtiContext("https://lms.example.edu", "sec-b")).toBe("cs101");
    await check.close();
  });

  it.each([
    ["no --course", ["--issuer", "https://lms.example.edu", "--context-id", "x"], /--course: is required/],
    ["an issuer that is not a URL", ["--issuer", "lms", "--context-id", "x", "--course", "cs101"], /--issuer: issuer must be a URL/],
    ["an unknown course", ["--issuer", "https://lms.example.edu", "--context-id", "x", "--course", "nope"], /--course: no course nope/],
  ])("exits 2 for %s", async (_name, args, message) => {
    await expect(run("link-context", ...args)).rejects.toThrow(message);
  });
});

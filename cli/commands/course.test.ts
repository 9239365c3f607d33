import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openStorage } from "../../server/service.ts";
import { runCaptured } from "../run-captured.ts";
import { UsageError } from "../usage.ts";
import { command as assignment } from "./assignment.ts";
import { command as course } from "./course.ts";
import { command as extension } from "./extension.ts";

const dataDir = mkdtempSync(join(tmpdir(), "autograde-course-cli-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const env = { AUTOGRADE_DATA_DIR: dataDir };

describe("autograde course, assignment and extension", () => {
  it("create and list courses, set and list assignments, grant and revoke extensions on the service's storage", async () => {
    expect((await runCaptured(course, ["create", "cs101", "--title", "CS 101"], env)).code).toBe(0);
    const again = await runCaptured(course, ["create", "cs101", "--title", "CS 101"], env);
    expect([again.code, again.err]).toEqual([1, expect.stringContaining("exists already")]);
    expect(JSON.parse((await runCaptured(course, ["list", "--format", "json"], env)).out).map((c: { id: string }) => c.id)).toEqual(["cs101", "default"]);

    const file = join(dataDir, "hw1.json");
    writeFileSync(file, JSON.stringify({ exercises: ["zero_pad"], dueAt: "2026-12-10T12:00:00+01:00", maxAttempts: 3 }));
    const set = await runCaptured(assignment, ["set", "cs101", "hw1", "--file", file], env);
    expect([set.code, set.out]).toEqual([0, expect.stringContaining("stored assignment cs101/hw1; 0 submissions recomputed")]);
    const listed = JSON.parse((await runCaptured(assignment, ["list", "cs101", "--format", "json"], env)).out);
    expect(listed).toEqual([
      expect.objectContaining({ id: "default", hiddenResults: "immediately" }),
      expect.objectContaining({ id: "hw1", exercises: ["zero_pad"], dueAt: "2026-12-10T11:00:00.000Z", maxAttempts: 3 }),
    ]);

    const granted = await runCaptured(extension, ["grant", "cs101", "hw1", "alice", "--due", "2026-12-12T00:00:00Z", "--by", "prof"], env);
    expect(granted.code).toBe(0);
    const storage = openStorage({ dataDir });
    try {
      expect(await storage.listExtensions("cs101", "hw1")).toEqual([expect.objectContaining({ student: "alice", dueAt: Date.UTC(2026, 11, 12), lateUntil: null, grantedBy: "prof" })]);
    } finally {
      await storage.close();
    }
    expect((await runCaptured(extension, ["revoke", "cs101", "hw1", "alice"], env)).code).toBe(0);
    expect((await runCaptured(extension, ["revoke", "cs101", "hw1", "alice"], env)).code).toBe(1);
    expect((await runCaptured(extension, ["grant", "cs101", "nope", "alice", "--due", "2026-12-12T00:00:00Z"], env)).code).toBe(2);
    expect((await runCaptured(assignment, ["list", "nope"], env)).code).toBe(2);
  });

  it.each([
    [course, ["create", "bad id!", "--title", "x"], /ID/],
    [course, ["create", "ok"], /--title/],
    [assignment, ["set", "cs101", "hw2", "--body", '{"dueAt":"2026-12-10T00:00:00Z","lateUntil":"2026-12-09T00:00:00Z"}'], /dueAt: dueAt is after lateUntil/],
    [assignment, ["set", "cs101", "hw2", "--body", '{"maxAttempts":0}'], /maxAttempts/],
    [assignment, ["set", "cs101", "hw2", "--body", "{not json"], /not JSON/],
    [assignment, ["set", "cs101", "hw2"], /--body JSON or --file/],
    [extension, ["grant", "cs101", "hw1", "alice", "--due", "friday"], /--due: .*ISO 8601/],
    [extension, ["grant", "cs101", "hw1", "alice"], /--due: give the new due date/],
    [extension, ["pause", "cs101", "hw1", "alice"], /unknown subcommand/],
  ] as const)("refuses bad usage with exit 2: %#", async (cmd, args, message) => {
    const run = await runCaptured(cmd, [...args], env).catch((err: unknown) => err);
    if (run instanceof UsageError) expect(run.message).toMatch(message);
    else expect(run).toMatchObject({ code: 2, err: expect.stringMatching(message) });
  });
});

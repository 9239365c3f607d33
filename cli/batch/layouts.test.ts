import { describe, expect, it } from "vitest";
import { canvasExport, corpusStudents, gradescopeExport, moodleExport, type ExportFiles } from "../../tests/grade-all-corpus.ts";
import type { BatchEntry } from "./entries.ts";
import { detectLayout, parseGradescopeMetadata, planBatch } from "./layouts.ts";

const entries = (files: ExportFiles, prefix = ""): BatchEntry[] =>
  Object.entries(files).map(([path, content]) =>
    path.endsWith(".ts") || path.endsWith(".yml") ? { kind: "file", path: prefix + path, bytes: Buffer.from(content) } : { kind: "unread", path: prefix + path },
  );
const text = (s: { source: { kind: string } }) => ("bytes" in s.source ? (s.source.bytes as Buffer).toString() : undefined);

describe("planBatch", () => {
  const students = corpusStudents();

  it("Canvas: one submission per login and user id, LATE files marked late", () => {
    const plan = planBatch(entries(canvasExport(students, new Set(["chencarol"]))));
    expect(plan.layout).toBe("canvas");
    expect(plan.submissions.map((s) => [s.students[0], s.late])).toEqual(students.map((s) => [s.login, s.login === "chencarol"]).sort());
    expect(text(plan.submissions.find((s) => s.students[0] === "andersalice") ?? plan.submissions[0]!)).toBe(students[0]?.source);
  });

  it("Moodle: one submission per participant folder, named by full name; an online-text folder alone leaves the row unreadable", () => {
    const files = { ...moodleExport(students), "Zed Zane_1999_assignsubmission_onlinetext_/onlinetext.html": "<p>hi</p>" };
    const plan = planBatch(entries(files, "course-42/"));
    expect(plan.layout).toBe("moodle");
    expect(plan.submissions.map((s) => s.students[0])).toEqual([...students.map((s) => s.fullName), "Zed Zane"]);
    expect(plan.submissions.at(-1)?.source).toEqual({ kind: "unreadable", reason: "no .ts file" });
  });

  it("Gradescope: submitters from the metadata, a group's grade to each member, the time kept", () => {
    const plan = planBatch(entries(gradescopeExport(students)));
    expect(plan.layout).toBe("gradescope");
    expect(plan.submissions).toHaveLength(4);
    const group = plan.submissions.at(-1);
    expect(group?.students).toEqual(["dunndave@example.edu", "evanseve@example.edu"]);
    expect(group?.submittedAt).toMatch(/^2026-11-04 12:00:00/);
    expect(plan.stray).toEqual([]);
  });

  it("reads Gradescope metadata with plain keys too", () => {
    const meta = parseGradescopeMetadata("submission_1:\n  submitters:\n    - name: A\n      sid: 7\n");
    expect(meta.get("submission_1")?.students).toEqual(["7"]);
  });

  it("plain: a file or a folder per student; several modules need one preferred name", () => {
    const plan = planBatch(
      entries({ "amy.ts": "a", "ben/solution.ts": "b", "ben/helper.ts": "h", "cat/one.ts": "1", "cat/two.ts": "2", "dan/readme.txt": "r" }),
    );
    expect(plan.layout).toBe("plain");
    expect(plan.submissions.map((s) => [s.key, text(s) ?? (s.source.kind === "unreadable" ? s.source.reason : "")])).toEqual([
      ["amy", "a"],
      ["ben", "b"],
      ["cat", "2 .ts files (one.ts, two.ts) and none named solution.ts or submission.ts or index.ts or main.ts"],
      ["dan", "no .ts file"],
    ]);
  });

  it("keeps an escaping entry out of every submission and says why", () => {
    const plan = planBatch([...entries({ "amy.ts": "a" }), { kind: "refused", path: "../x.ts", reason: "its path escapes the archive (invalid relative path)" }]);
    expect(plan.submissions.map((s) => s.key)).toEqual(["amy"]);
    expect(plan.stray).toEqual([{ path: "../x.ts", reason: "its path escapes the archive (invalid relative path)" }]);
  });

  it("--layout overrides detection", () => {
    const files = canvasExport(students);
    expect(detectLayout(entries(files))).toBe("canvas");
    expect(planBatch(entries(files), "plain").submissions[0]?.key).toMatch(/^andersalice_1001_9000_solution$/);
  });
});

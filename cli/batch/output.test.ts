import { describe, expect, it } from "vitest";
import { exercises } from "../../exercises/index.ts";
import type { BatchRow } from "./journal.ts";
import { gradesCsv, plainCsv, safeName, summary } from "./output.ts";

const two = exercises.slice(0, 2);
const rows: BatchRow[] = [
  { key: "g1", students: ["zoe@x.edu", "amy@x.edu"], status: "graded", score: 15, maxScore: 20, exercises: { zero_pad: 10, convolve_window: 5 }, late: true },
  { key: "bob", students: ["bob"], status: "unreadable", score: null, maxScore: 20, exercises: { zero_pad: null, convolve_window: null }, late: null, reason: 'a "symlink", refused' },
];

describe("grades.csv", () => {
  it("plain: one line per student (a group's grade to each member), status and reason quoted as CSV", () => {
    expect(plainCsv(rows, two).split("\r\n")).toEqual([
      "student,score,maxScore,zero_pad,convolve_window,late,status,reason",
      "amy@x.edu,15,20,10,5,true,graded,",
      'bob,,20,,,,unreadable,"a ""symlink"", refused"',
      "zoe@x.edu,15,20,10,5,true,graded,",
      "",
    ]);
  });

  it("canvas and moodle come from the service's gradebook writer", () => {
    const canvas = gradesCsv(rows, two, "canvas").split("\r\n");
    expect(canvas[0]).toBe("Student,ID,SIS User ID,SIS Login ID,Section,zero_pad (10),convolve_window (10),autograde total (20)");
    expect(canvas[1]).toBe("amy@x.edu,,,amy@x.edu,,10,5,15");
    expect(gradesCsv(rows, two, "moodle").split("\r\n")[0]).toBe("Username,zero_pad,convolve_window");
  });
});

describe("summary", () => {
  it("counts by status, the mean and the distribution, then every row not graded and every refused entry", () => {
    const text = summary(rows, [{ path: "../x.ts", reason: "escapes" }]);
    expect(text).toMatch(/^2 submissions: graded 1, unreadable 1, error 0$/m);
    expect(text).toMatch(/^mean 15 \/ 20$/m);
    expect(text).toMatch(/^ +70-79% +1 #+$/m);
    expect(text).toMatch(/^ +0-9% +0 *$/m);
    expect(text).toMatch(/^unreadable: bob \(bob\): a "symlink", refused$/m);
    expect(text).toMatch(/^refused: \.\.\/x\.ts: escapes$/m);
  });
});

describe("safeName", () => {
  it("keeps a plain key, and turns any other into a distinct name that is never a path", () => {
    expect(safeName("alice_1001")).toBe("alice_1001");
    const a = safeName("../Alice Anders");
    expect(a).toMatch(/^[A-Za-z0-9._@-]+$/);
    expect(a.startsWith(".")).toBe(false);
    expect(a).not.toBe(safeName("../Alice_Anders"));
  });
});

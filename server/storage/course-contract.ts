import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeReport, submission, type OpenedStorage, type StorageHarness } from "./contract-fixtures.ts";
import { defaultAssignment, type AssignmentRecord } from "./course-types.ts";
import type { Storage } from "./types.ts";

const limits = { maxQueueDepth: 100 };

const homework = (overrides: Partial<AssignmentRecord> = {}): AssignmentRecord => ({
  ...defaultAssignment("cs101"),
  id: "hw1",
  title: "Homework 1",
  exercises: ["zero_pad", "conv_forward"],
  points: { zero_pad: 20 },
  dueAt: 10_000,
  lateUntil: 20_000,
  latePenalty: { unit: "hour", percentPerUnit: 10, maxPercent: 50 },
  maxAttempts: 3,
  hiddenResults: "after_due",
  scorePolicy: "latest",
  updatedAt: 5,
  ...overrides,
});

/** Courses, members, assignments, extensions, attempt counting and stored lateness, in both storages. */
export function courseStorageContract(name: string, harness: StorageHarness): void {
  describe(`${name} course storage contract`, () => {
    let opened: OpenedStorage;
    let storage: Storage;
    beforeEach(async () => {
      opened = await harness.open();
      storage = opened.storage;
    });
    afterEach(async () => {
      await opened.dispose();
    });

    it("has a default course and assignment, creates courses once and lists each principal's", async () => {
      expect(await storage.getCourse("default")).toMatchObject({ id: "default" });
      expect(await storage.getAssignment("default", "default")).toEqual(defaultAssignment("default"));
      expect(await storage.getAssignment("default", "hw1")).toBeNull();
      expect(await storage.getAssignment("nope", "default")).toBeNull();

      expect(await storage.createCourse({ id: "cs101", title: "CS 101", now: 7 })).toEqual({ id: "cs101", title: "CS 101", createdAt: 7 });
      expect(await storage.createCourse({ id: "cs101", title: "Other", now: 8 })).toBe("exists");
      await storage.createCourse({ id: "cs102", title: "CS 102", now: 9 });
      expect((await storage.getCourse("cs101"))?.title).toBe("CS 101");
      expect(await storage.listAssignments("cs101")).toEqual([defaultAssignment("cs101")]);

      await storage.setMember({ course: "cs101", principal: "alice", role: "student", now: 10 });
      await storage.setMember({ course: "cs101", principal: "alice", role: "ta", now: 11 });
      await storage.setMember({ course: "cs102", principal: "prof", role: "instructor", now: 12 });
      expect(await storage.memberRole("cs101", "alice")).toBe("ta");
      expect(await storage.memberRole("cs102", "alice")).toBeNull();
      expect(await storage.listMembers("cs101")).toEqual([{ course: "cs101", principal: "alice", role: "ta", addedAt: 10 }]);
      expect((await storage.listCoursesOf({ name: "alice", serviceStaff: false })).map((c) => c.id)).toEqual(["cs101", "default"]);
      expect((await storage.listCoursesOf({ name: "nobody", serviceStaff: false })).map((c) => c.id)).toEqual(["default"]);
      expect((await storage.listCoursesOf({ name: "nobody", serviceStaff: true })).map((c) => c.id)).toEqual(["cs101", "cs102", "default"]);
      expect(await storage.removeMember("cs101", "alice")).toBe(true);
      expect(await storage.removeMember("cs101", "alice")).toBe(false);
      expect(await storage.memberRole("cs101", "alice")).toBeNull();
    });

    it("stores assignments whole, replaces them, and keeps default listed", async () => {
      await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
      await storage.putAssignment(homework());
      expect(await storage.getAssignment("cs101", "hw1")).toEqual(homework());
      await storage.putAssignment(homework({ dueAt: 15_000, maxAttempts: null, updatedAt: 6 }));
      const again = await opened.reopen();
      try {
        expect(await again.getAssignment("cs101", "hw1")).toEqual(homework({ dueAt: 15_000, maxAttempts: null, updatedAt: 6 }));
        expect((await again.listAssignments("cs101")).map((a) => a.id)).toEqual(["default", "hw1"]);
      } finally {
        await again.close();
      }
      await storage.putAssignment({ ...defaultAssignment("cs101"), title: "Everything", updatedAt: 9 });
      expect((await storage.listAssignments("cs101")).map((a) => [a.id, a.title])).toEqual([["default", "Everything"], ["hw1", "Homework 1"]]);
    });

    it("grants, replaces and revokes extensions, recording who and when", async () => {
      const ext = { course: "cs101", assignment: "hw1", student: "alice", dueAt: 30_000, lateUntil: null, grantedBy: "prof", grantedAt: 3 };
      await storage.putExtension(ext);
      await storage.putExtension({ ...ext, student: "bob", lateUntil: 40_000 });
      await storage.putExtension({ ...ext, dueAt: 35_000, grantedBy: "ta1", grantedAt: 4 });
      expect(await storage.listExtensions("cs101", "hw1")).toEqual([
        { ...ext, dueAt: 35_000, grantedBy: "ta1", grantedAt: 4 },
        { ...ext, student: "bob", lateUntil: 40_000 },
      ]);
      expect(await storage.listExtensions("cs101", "hw2")).toEqual([]);
      expect(await storage.deleteExtension("cs101", "hw1", "alice")).toBe(true);
      expect(await storage.deleteExtension("cs101", "hw1", "alice")).toBe(false);
      expect((await storage.listExtensions("cs101", "hw1")).map((e) => e.student)).toEqual(["bob"]);
    });

    it("files submissions under their course and assignment with their lateness, and filters by them", async () => {
      const late = { minutes: 61, penaltyPercent: 20 };
      const created = await storage.createSubmission(submission({ course: "cs101", assignment: "hw1", late }), limits);
      const plain = await storage.createSubmission(submission({ requestHash: "h2" }), limits);
      if (created.kind !== "created" || plain.kind !== "created") throw new Error("not created");
      expect(created.submission).toMatchObject({ course: "cs101", assignment: "hw1", late });
      expect(plain.submission).toMatchObject({ course: "default", assignment: "default", late: null });
      expect((await storage.listSubmissions({ course: "cs101", assignment: "hw1", limit: 10 })).items.map((s) => s.id)).toEqual([created.submission.id]);
      expect((await storage.listSubmissions({ course: "default", limit: 10 })).items.map((s) => s.id)).toEqual([plain.submission.id]);
      expect((await storage.listSubmissions({ assignment: "hw2", limit: 10 })).items).toEqual([]);
    });

    it("counts graded and waiting attempts but not errored ones, and refuses past the limits inside the storing transaction", async () => {
      const at = (now: number, student = "alice") => submission({ course: "cs101", assignment: "hw1", student, submittedBy: student, now, requestHash: `r${now}${student}` });
      const attempts = { max: 2, minGapMs: null };
      expect(await storage.countAttempts("cs101", "hw1", "alice")).toEqual({ used: 0, lastAt: null });
      expect((await storage.createSubmission(at(100), { ...limits, attempts })).kind).toBe("created");
      const [job] = await opened.takeJobs(storage, 1);
      await storage.completeJob(job!, { status: "error", error: "worker crashed" }, { startedAt: 1, finishedAt: 2 });
      expect(await storage.countAttempts("cs101", "hw1", "alice")).toEqual({ used: 0, lastAt: null });

      // Concurrent requests: a count outside the transaction would let all of them through.
      const burst = await Promise.all([200, 201, 202, 203].map((now) => storage.createSubmission(at(now), { ...limits, attempts })));
      expect(burst.filter((r) => r.kind === "created")).toHaveLength(2);
      expect(burst.filter((r) => r.kind === "attempt_limit")).toHaveLength(2);
      expect((await storage.countAttempts("cs101", "hw1", "alice")).used).toBe(2);
      for (const j of await opened.takeJobs(storage, 4)) {
        await storage.completeJob(j, { status: "graded", report: fakeReport(0) }, { startedAt: 3, finishedAt: 4 });
      }
      const counted = await storage.countAttempts("cs101", "hw1", "alice");
      expect(counted.used).toBe(2);
      expect(counted.lastAt).toBeGreaterThanOrEqual(200);
      expect(await storage.createSubmission(at(300), { ...limits, attempts })).toEqual({ kind: "attempt_limit", ...counted });
      expect((await storage.createSubmission(at(300, "bob"), { ...limits, attempts })).kind).toBe("created");
      expect((await storage.createSubmission(at(301), limits)).kind).toBe("created");

      const gap = { max: null, minGapMs: 50 };
      expect((await storage.createSubmission(at(320, "bob"), { ...limits, attempts: gap })).kind).toBe("attempt_limit");
      expect((await storage.createSubmission(at(350, "bob"), { ...limits, attempts: gap })).kind).toBe("created");
    });

    it("stores recomputed lateness without touching the grading", async () => {
      const a = await storage.createSubmission(submission({ course: "cs101", assignment: "hw1", now: 100, late: { minutes: 5, penaltyPercent: 10 } }), limits);
      const b = await storage.createSubmission(submission({ course: "cs101", assignment: "hw1", now: 200, student: "bob", submittedBy: "bob" }), limits);
      if (a.kind !== "created" || b.kind !== "created") throw new Error("not created");
      const [job] = await opened.takeJobs(storage, 1);
      await storage.completeJob(job!, { status: "graded", report: fakeReport(8) }, { startedAt: 1, finishedAt: 2 });
      expect(await storage.listAssignmentSubmissions("cs101", "hw1")).toEqual([
        { id: a.submission.id, student: "alice", createdAt: 100, late: { minutes: 5, penaltyPercent: 10 }, submitterRole: null },
        { id: b.submission.id, student: "bob", createdAt: 200, late: null, submitterRole: null },
      ]);
      expect((await storage.listAssignmentSubmissions("cs101", "hw1", "bob")).map((s) => s.id)).toEqual([b.submission.id]);

      expect(await storage.setLateness([{ id: a.submission.id, late: null }, { id: b.submission.id, late: { minutes: 120, penaltyPercent: 20 } }])).toBe(2);
      expect(await storage.getSubmission(a.submission.id)).toMatchObject({ late: null, createdAt: 100, attempt: 1 });
      expect((await storage.getSubmission(a.submission.id))?.latest?.report?.score).toBe(8);
      expect((await storage.getSubmission(b.submission.id))?.late).toEqual({ minutes: 120, penaltyPercent: 20 });
      expect(await storage.setLateness([])).toBe(0);
      expect(await storage.assignmentCells("cs101", "hw1")).toEqual([
        { submissionId: a.submission.id, student: "alice", createdAt: 100, late: null, exercise: "zero_pad", score: 8, maxScore: 10 },
      ]);
    });

    it("leaves course staff's submissions out of gradebooks, keeping those of unknown role", async () => {
      const staffMade = await storage.createSubmission(submission({ student: "prof", submittedBy: "prof", course: "cs101", assignment: "hw1", submitterRole: "instructor" }), limits);
      const taMade = await storage.createSubmission(submission({ student: "ta1", submittedBy: "ta1", course: "cs101", assignment: "hw1", submitterRole: "ta" }), limits);
      const studentMade = await storage.createSubmission(submission({ course: "cs101", assignment: "hw1", submitterRole: "student" }), limits);
      const legacy = await storage.createSubmission(submission({ student: "bob", submittedBy: "bob" }), limits);
      if (staffMade.kind !== "created" || studentMade.kind !== "created" || taMade.kind !== "created" || legacy.kind !== "created") throw new Error("not created");
      expect(staffMade.submission.submitterRole).toBe("instructor");
      expect(legacy.submission.submitterRole).toBeNull();
      for (const job of await opened.takeJobs(storage, 4)) await storage.completeJob(job, { status: "graded", report: fakeReport(7) }, { startedAt: 1, finishedAt: 2 });
      expect((await storage.assignmentCells("cs101", "hw1")).map((c) => c.student)).toEqual(["alice"]);
      expect((await storage.assignmentCells("cs101", "hw1", "prof"))).toEqual([]);
      // The default course's gradebook: bob's legacy submission; alice's is in cs101.
      expect((await storage.gradebook()).map((c) => c.student)).toEqual(["bob"]);
    });

    it("maps LMS contexts onto courses (several contexts per course) and resource links onto assignments", async () => {
      await storage.createCourse({ id: "cs101", title: "CS 101", now: 1 });
      await storage.linkLtiContext({ issuer: "https://lms", contextId: "sec-a", course: "cs101", now: 2 });
      await storage.linkLtiContext({ issuer: "https://lms", contextId: "sec-b", course: "cs101", now: 3 });
      await storage.linkLtiContext({ issuer: "https://lms", contextId: "sec-a", course: "default", now: 4 });
      expect(await storage.courseForLtiContext("https://lms", "sec-a")).toBe("cs101");
      expect(await storage.courseForLtiContext("https://lms", "sec-b")).toBe("cs101");
      expect(await storage.courseForLtiContext("https://other", "sec-a")).toBeNull();

      await storage.linkResourceToAssignment({ issuer: "https://lms", resourceLinkId: "rl1", course: "cs101", assignment: "hw1" });
      await storage.linkResourceToAssignment({ issuer: "https://lms", resourceLinkId: "rl1", course: "cs101", assignment: "hw2" });
      expect(await storage.assignmentForResourceLink("https://lms", "rl1")).toEqual({ course: "cs101", assignment: "hw2" });
      expect(await storage.assignmentForResourceLink("https://lms", "rl2")).toBeNull();
    });
  });
}

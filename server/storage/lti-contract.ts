import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createToolKeys, type ExportedToolKeys } from "../lti/tool-keys.ts";
import type { LtiLineItemLink } from "./lti-types.ts";
import { fakeReport, submission, type OpenedStorage, type StorageHarness } from "./contract-fixtures.ts";
import type { Storage } from "./types.ts";

const ISSUER = "https://lms.example.edu";

export const registration = (overrides: { issuer?: string; clientId?: string; deploymentIds?: string[]; now?: number } = {}) => ({
  issuer: overrides.issuer ?? ISSUER,
  clientId: overrides.clientId ?? "client-1",
  deploymentIds: overrides.deploymentIds ?? ["dep-1"],
  authLoginUrl: `${overrides.issuer ?? ISSUER}/auth`,
  authTokenUrl: `${overrides.issuer ?? ISSUER}/token`,
  jwksUrl: `${overrides.issuer ?? ISSUER}/jwks`,
  now: overrides.now ?? 100,
});

const lineItem = (registrationId: string, overrides: Partial<LtiLineItemLink> = {}): LtiLineItemLink => ({
  student: "alice",
  registrationId,
  lineItemUrl: "https://lms.example.edu/api/lineitems/1",
  platformUserId: "sub-alice",
  exercises: null,
  resourceLinkId: "rl-1",
  contextId: "course-1",
  updatedAt: 100,
  ...overrides,
});

const publication = (overrides: { student?: string; submissionId?: string; createdAt?: number; scoreGiven?: number; registrationId?: string } = {}) => ({
  student: overrides.student ?? "alice",
  registrationId: overrides.registrationId ?? "reg_publisher",
  lineItemUrl: "https://lms.example.edu/api/lineitems/1",
  submissionId: overrides.submissionId ?? "sub-1",
  gradingAttempt: 1,
  scoreGiven: overrides.scoreGiven ?? 7.5,
  scoreMaximum: 10,
  createdAt: overrides.createdAt ?? 100,
});

/** The LtiStorage half of the storage contract, run by storageContract against both storages. */
export function ltiStorageContract(name: string, harness: StorageHarness): void {
  describe(`${name} storage LTI contract`, () => {
    let opened: OpenedStorage;
    let storage: Storage;
    let firstKeys: ExportedToolKeys;
    let rotatedKeys: ExportedToolKeys;
    beforeAll(async () => {
      const keys = await createToolKeys();
      firstKeys = keys.export();
      await keys.rotate();
      rotatedKeys = keys.export();
    });
    beforeEach(async () => {
      opened = await harness.open();
      storage = opened.storage;
    });
    afterEach(async () => {
      await opened.dispose();
    });

    it("creates registrations, refuses a duplicate (issuer, clientId), and finds them by issuer and client", async () => {
      const first = await storage.createLtiRegistration(registration());
      if (first === "duplicate") throw new Error("first registration refused");
      const { now: _now, ...fields } = registration();
      expect(first).toEqual({ ...fields, id: first.id, createdAt: 100 });
      expect(await storage.createLtiRegistration(registration({ deploymentIds: ["other"] }))).toBe("duplicate");
      const second = await storage.createLtiRegistration(registration({ clientId: "client-2", now: 200 }));
      const elsewhere = await storage.createLtiRegistration(registration({ issuer: "https://other.example.org", now: 300 }));
      if (second === "duplicate" || elsewhere === "duplicate") throw new Error("distinct registration refused");

      expect(await storage.getLtiRegistration(first.id)).toEqual(first);
      expect(await storage.getLtiRegistration("reg_missing")).toBeNull();
      expect((await storage.listLtiRegistrations()).map((r) => r.id)).toEqual([first.id, second.id, elsewhere.id]);
      expect((await storage.findLtiRegistrations(ISSUER)).map((r) => r.id)).toEqual([first.id, second.id]);
      expect((await storage.findLtiRegistrations(ISSUER, "client-2")).map((r) => r.id)).toEqual([second.id]);
      expect(await storage.findLtiRegistrations(ISSUER, "client-9")).toEqual([]);
      expect(await storage.findLtiRegistrations("https://unknown.example")).toEqual([]);
    });

    it("replaces deployment ids, and deleting a registration drops its line item links but keeps publication history", async () => {
      const reg = await storage.createLtiRegistration(registration());
      const kept = await storage.createLtiRegistration(registration({ clientId: "client-2" }));
      if (reg === "duplicate" || kept === "duplicate") throw new Error("registration refused");
      expect(await storage.setLtiDeployments(reg.id, ["dep-1", "dep-2"])).toEqual({ ...reg, deploymentIds: ["dep-1", "dep-2"] });
      expect((await storage.getLtiRegistration(reg.id))?.deploymentIds).toEqual(["dep-1", "dep-2"]);
      expect(await storage.setLtiDeployments("reg_missing", ["x"])).toBeNull();

      await storage.upsertLtiLineItem(lineItem(reg.id));
      await storage.upsertLtiLineItem(lineItem(kept.id, { lineItemUrl: "https://lms.example.edu/api/lineitems/2" }));
      expect(await storage.listLtiLineItems("alice")).toHaveLength(2);
      const published = await storage.createLtiPublication(publication({ registrationId: reg.id }));
      expect(await storage.deleteLtiRegistration(reg.id)).toBe(true);
      expect(await storage.listLtiPublications({ student: "alice", limit: 10 })).toEqual([published]);
      expect(await storage.deleteLtiRegistration(reg.id)).toBe(false);
      expect(await storage.getLtiRegistration(reg.id)).toBeNull();
      expect((await storage.listLtiLineItems("alice")).map((l) => l.registrationId)).toEqual([kept.id]);
    });

    it("login state is single use, refused once expired, and discarded by later saves once expired", async () => {
      await storage.saveLtiLoginState("s1", { nonce: "n1", registrationId: "reg_a", expiresAt: 1000, platformStorage: null }, 500);
      await storage.saveLtiLoginState("s2", { nonce: "n2", registrationId: "reg_a", expiresAt: 600, platformStorage: null }, 500);
      expect(await storage.takeLtiLoginState("s1", 900)).toEqual({ nonce: "n1", registrationId: "reg_a", expiresAt: 1000, platformStorage: null });
      expect(await storage.takeLtiLoginState("s1", 900)).toBeNull();
      expect(await storage.takeLtiLoginState("s2", 600)).toBeNull();
      expect(await storage.takeLtiLoginState("unknown", 500)).toBeNull();

      await storage.saveLtiLoginState("s3", { nonce: "n3", registrationId: "reg_a", expiresAt: 700, platformStorage: null }, 500);
      await storage.saveLtiLoginState("s4", { nonce: "n4", registrationId: "reg_a", expiresAt: 2000, platformStorage: null }, 800);
      // s3 expired before the save at 800, so even a take that claims an earlier time finds nothing.
      expect(await storage.takeLtiLoginState("s3", 600)).toBeNull();
      expect(await storage.takeLtiLoginState("s4", 800)).toMatchObject({ nonce: "n4" });
    });

    it("a login state bound to platform storage keeps its binding, and can be looked at without being used up", async () => {
      const platformStorage = { target: "post_message_forwarding", valueHash: "ab".repeat(32) };
      await storage.saveLtiLoginState("bound", { nonce: "n5", registrationId: "reg_a", expiresAt: 1000, platformStorage }, 500);
      expect(await storage.findLtiLoginState("bound", 600)).toEqual({ nonce: "n5", registrationId: "reg_a", expiresAt: 1000, platformStorage });
      expect(await storage.findLtiLoginState("bound", 1000)).toBeNull();
      expect(await storage.findLtiLoginState("unknown", 600)).toBeNull();
      expect(await storage.takeLtiLoginState("bound", 700)).toEqual({ nonce: "n5", registrationId: "reg_a", expiresAt: 1000, platformStorage });
      expect(await storage.findLtiLoginState("bound", 700)).toBeNull();
    });

    it("two concurrent takes of one login state: exactly one wins", async () => {
      for (const state of ["race-1", "race-2", "race-3"]) {
        await storage.saveLtiLoginState(state, { nonce: `nonce-${state}`, registrationId: "reg_a", expiresAt: 10_000, platformStorage: null }, 1);
        const takes = await Promise.all([storage.takeLtiLoginState(state, 2), storage.takeLtiLoginState(state, 2)]);
        expect(takes.filter((t) => t !== null)).toEqual([{ nonce: `nonce-${state}`, registrationId: "reg_a", expiresAt: 10_000, platformStorage: null }]);
      }
    });

    it("tool keys are a compare-and-set on the version, and survive reopening", async () => {
      expect(await storage.loadToolKeys()).toBeNull();
      expect(await storage.saveToolKeys(firstKeys, 1)).toBe(false);
      expect(await storage.saveToolKeys(firstKeys, null)).toBe(true);
      expect(await storage.saveToolKeys(rotatedKeys, null)).toBe(false);
      expect(await storage.loadToolKeys()).toEqual({ keys: firstKeys, version: 1 });
      expect(await storage.saveToolKeys(rotatedKeys, 1)).toBe(true);
      expect(await storage.saveToolKeys(firstKeys, 1)).toBe(false);
      expect(await storage.saveToolKeys(firstKeys, 3)).toBe(false);

      const again = await opened.reopen();
      try {
        const loaded = await again.loadToolKeys();
        expect(loaded).toEqual({ keys: rotatedKeys, version: 2 });
        const reloaded = await createToolKeys({ stored: loaded!.keys });
        expect(reloaded.currentKid()).toBe(rotatedKeys.currentKid);
        expect(reloaded.jwks().keys).toHaveLength(2);
      } finally {
        await again.close();
      }
    });

    it("two processes saving tool keys first at once: exactly one wins", async () => {
      const again = await opened.reopen();
      try {
        const saved = await Promise.all([storage.saveToolKeys(firstKeys, null), again.saveToolKeys(rotatedKeys, null)]);
        expect(saved.filter(Boolean)).toHaveLength(1);
        const winner = saved[0] ? firstKeys : rotatedKeys;
        expect(await storage.loadToolKeys()).toEqual({ keys: winner, version: 1 });
      } finally {
        await again.close();
      }
    });

    it("a user keeps the student name of the first launch while name, email and last launch refresh", async () => {
      const first = await storage.upsertLtiUser({
        userKey: `${ISSUER}#sub-1`, student: "alice", issuer: ISSUER, subject: "sub-1", name: "Alice", email: "a@x.edu", now: 100,
      });
      expect(first).toEqual({ userKey: `${ISSUER}#sub-1`, student: "alice", issuer: ISSUER, subject: "sub-1", name: "Alice", email: "a@x.edu", createdAt: 100, lastLaunchAt: 100 });
      const again = await storage.upsertLtiUser({
        userKey: `${ISSUER}#sub-1`, student: "alice-2", issuer: ISSUER, subject: "sub-1", name: "Alice B.", email: null, now: 200,
      });
      expect(again).toEqual({ ...first, name: "Alice B.", email: null, lastLaunchAt: 200 });
      await storage.upsertLtiUser({ userKey: `${ISSUER}#sub-2`, student: "bob", issuer: ISSUER, subject: "sub-2", name: null, email: null, now: 300 });
      expect((await storage.listLtiUsers()).map((u) => [u.student, u.lastLaunchAt])).toEqual([["alice", 200], ["bob", 300]]);
      await expect(
        storage.upsertLtiUser({ userKey: `${ISSUER}#sub-3`, student: "bob", issuer: ISSUER, subject: "sub-3", name: null, email: null, now: 400 }),
      ).rejects.toThrow(/"bob" already belongs/);
    });

    it("finds a session by its token hash until it expires, and new sessions discard expired ones", async () => {
      const base = { student: "alice", role: "student" as const, userKey: `${ISSUER}#sub-1` };
      await storage.createLtiSession({ ...base, id: "sess-1", tokenHash: "hash-1", expiresAt: 1000, now: 100 });
      expect(await storage.findLtiSession("hash-1", 999)).toEqual({ id: "sess-1", ...base, expiresAt: 1000 });
      expect(await storage.findLtiSession("hash-1", 1000)).toBeNull();
      expect(await storage.findLtiSession("hash-unknown", 100)).toBeNull();

      await storage.createLtiSession({ ...base, id: "sess-2", tokenHash: "hash-2", expiresAt: 500, now: 100 });
      await storage.createLtiSession({ ...base, id: "sess-3", tokenHash: "hash-3", role: "staff", expiresAt: 5000, now: 600 });
      // sess-2 expired before sess-3 was created, so even a lookup claiming an earlier time misses it.
      expect(await storage.findLtiSession("hash-2", 200)).toBeNull();
      expect(await storage.findLtiSession("hash-3", 600)).toMatchObject({ id: "sess-3", role: "staff" });
    });

    it("a second launch of the same line item updates its link instead of adding one", async () => {
      const reg = await storage.createLtiRegistration(registration());
      if (reg === "duplicate") throw new Error("registration refused");
      await storage.upsertLtiLineItem(lineItem(reg.id));
      const updated = lineItem(reg.id, { exercises: ["zero_pad", "conv_forward"], resourceLinkId: null, contextId: "course-2", updatedAt: 200 });
      await storage.upsertLtiLineItem(updated);
      expect(await storage.listLtiLineItems("alice")).toEqual([updated]);
      expect(await storage.listLtiLineItems("bob")).toEqual([]);
      await expect(storage.upsertLtiLineItem(lineItem("reg_missing", { lineItemUrl: "https://lms.example.edu/x" }))).rejects.toThrow();
    });

    it("publications start pending, update, and list by student, submission and state newest first", async () => {
      const p1 = await storage.createLtiPublication(publication({ createdAt: 100 }));
      expect(p1).toEqual({ ...publication({ createdAt: 100 }), id: p1.id, state: "pending", attempts: 0, statusCode: null, error: null, updatedAt: 100 });
      const p2 = await storage.createLtiPublication(publication({ createdAt: 200, submissionId: "sub-2" }));
      const p3 = await storage.createLtiPublication(publication({ createdAt: 200, submissionId: "sub-2", scoreGiven: 0.25 }));
      const p4 = await storage.createLtiPublication(publication({ createdAt: 300, student: "bob" }));
      expect(new Set([p1.id, p2.id, p3.id, p4.id]).size).toBe(4);

      await storage.updateLtiPublication(p1.id, { state: "failed", attempts: 3, statusCode: 503, error: "platform down", now: 400 });
      await storage.updateLtiPublication(p2.id, { state: "published", attempts: 1, statusCode: 200, error: null, now: 410 });

      const ids = (items: { id: string }[]) => items.map((p) => p.id);
      expect(ids(await storage.listLtiPublications({ limit: 10 }))).toEqual([p4.id, p3.id, p2.id, p1.id]);
      expect(ids(await storage.listLtiPublications({ limit: 2 }))).toEqual([p4.id, p3.id]);
      expect(ids(await storage.listLtiPublications({ student: "alice", limit: 10 }))).toEqual([p3.id, p2.id, p1.id]);
      expect(ids(await storage.listLtiPublications({ submissionId: "sub-2", limit: 10 }))).toEqual([p3.id, p2.id]);
      expect(ids(await storage.listLtiPublications({ state: "pending", limit: 10 }))).toEqual([p4.id, p3.id]);
      expect(await storage.listLtiPublications({ state: "failed", student: "alice", limit: 10 })).toEqual([
        { ...p1, state: "failed", attempts: 3, statusCode: 503, error: "platform down", updatedAt: 400 },
      ]);
      expect((await storage.listLtiPublications({ submissionId: "sub-2", state: "pending", limit: 1 }))[0]?.scoreGiven).toBe(0.25);
    });

    it("gradebook narrowed to a student holds only that student's cells", async () => {
      for (const student of ["alice", "bob"]) {
        await storage.createSubmission(submission({ student, submittedBy: student }), { maxQueueDepth: 10 });
      }
      for (const job of await opened.takeJobs(storage, 4)) {
        const owner = (await storage.getSubmission(job.submissionId))!.student;
        await storage.completeJob(job, { status: "graded", report: fakeReport(owner === "alice" ? 6 : 8) }, { startedAt: 1, finishedAt: 2 });
      }
      expect(await storage.gradebook()).toHaveLength(2);
      expect(await storage.gradebook({ student: "bob" })).toEqual([{ student: "bob", exercise: "zero_pad", score: 8, maxScore: 10 }]);
      expect(await storage.gradebook({ student: "alice" })).toEqual([{ student: "alice", exercise: "zero_pad", score: 6, maxScore: 10 }]);
      expect(await storage.gradebook({ student: "carol" })).toEqual([]);
    });
  });
}

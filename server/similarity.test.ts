import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { SimilarityFile, SimilarityResult } from "../grader/similarity/similarity.ts";
import { createSimilarityService, excerpt } from "./similarity.ts";
import type { AssignmentSubmission } from "./storage/course-types.ts";

function fakeStorage() {
  const submissions = new Map<string, AssignmentSubmission[]>();
  const sources = new Map<string, string>();
  let n = 0;
  return {
    add(assignment: string, student: string, source: string, submitterRole: AssignmentSubmission["submitterRole"] = "student") {
      const id = `s${++n}`;
      submissions.set(assignment, [...(submissions.get(assignment) ?? []), { id, student, createdAt: n, late: null, submitterRole }]);
      sources.set(id, source);
      return id;
    },
    storage: {
      listAssignmentSubmissions: async (_course: string, assignment: string) => submissions.get(assignment) ?? [],
      getSource: async (id: string) => sources.get(id) ?? null,
    },
  };
}

/** A compute the test finishes by hand, recording what it was asked. */
function manualCompute() {
  const calls: { files: readonly SimilarityFile[]; finish: (r: SimilarityResult | Error) => void }[] = [];
  let running = 0;
  let most = 0;
  const compute = (files: readonly SimilarityFile[]) =>
    new Promise<SimilarityResult>((resolve, reject) => {
      running++;
      most = Math.max(most, running);
      calls.push({
        files,
        finish: (r) => {
          running--;
          if (r instanceof Error) reject(r);
          else resolve(r);
        },
      });
    });
  return { calls, compute, most: () => most };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));
const pairOf = (left: string, right: string) => ({ left, right, similarity: 0.9, longest: 10, overlap: 20, fragments: [{ left: { startRow: 0, startCol: 6, endRow: 0, endCol: 11 }, right: { startRow: 0, startCol: 0, endRow: 0, endCol: 3 }, kgrams: 4 }] });

describe("the similarity service", () => {
  it("computes a key once however often it is asked, queues other assignments behind it, and leaves staff out", async () => {
    const { add, storage } = fakeStorage();
    const alice = add("hw", "alice", "const alpha = 1;");
    add("hw", "bob", "abc = 2;");
    add("hw", "prof", "const alpha = 1;", "instructor");
    add("hw2", "carol", "x");
    const manual = manualCompute();
    const service = createSimilarityService({ storage, log: pino({ level: "silent" }), timeoutMs: 1000, maxPairs: 10, compute: manual.compute, now: () => 0 });
    for (let i = 0; i < 3; i++) expect((await service.get("c", "hw")).kind).toBe("computing");
    expect((await service.get("c", "hw2")).kind).toBe("computing");
    await settle();
    expect(manual.calls).toHaveLength(1);
    expect(manual.calls[0]?.files.map((f) => f.id)).toEqual(["alice", "bob"]);
    manual.calls[0]?.finish({ files: [], pairs: [pairOf("alice", "bob")], warnings: [] });
    await settle();
    const ready = await service.get("c", "hw");
    expect(ready.kind === "ready" && ready.body).toMatchObject({ stale: false, recomputing: false, submissions: 2, totalPairs: 1 });
    if (ready.kind !== "ready") throw new Error("not ready");
    expect(ready.body.pairs[0]).toMatchObject({ leftSubmission: alice, fragments: [{ leftExcerpt: "alpha", rightExcerpt: "abc" }] });
    // hw2 started only once hw was done.
    expect(manual.calls).toHaveLength(2);
    expect(manual.most()).toBe(1);
    manual.calls[1]?.finish(new Error("closing"));
    await service.close();
  });

  it("says it is stale and recomputes after a new submission; a failure is told once, then retried", async () => {
    const { add, storage } = fakeStorage();
    add("hw", "alice", "a");
    add("hw", "bob", "b");
    const manual = manualCompute();
    const service = createSimilarityService({ storage, log: pino({ level: "silent" }), timeoutMs: 1000, maxPairs: 10, compute: manual.compute });
    await service.get("c", "hw");
    await settle();
    manual.calls[0]?.finish({ files: [], pairs: [], warnings: [] });
    await settle();
    add("hw", "alice", "a2");
    const stale = await service.get("c", "hw");
    expect(stale.kind === "ready" && stale.body).toMatchObject({ stale: true, recomputing: true });
    await settle();
    manual.calls[1]?.finish(new Error("thread stopped"));
    await settle();
    expect(await service.get("c", "hw")).toMatchObject({ kind: "ready", body: { stale: true, recomputing: false } });
    // The failure went to the stale answer's request; this one starts again.
    expect(await service.get("c", "hw")).toMatchObject({ kind: "ready", body: { stale: true, recomputing: true } });
    await settle();
    expect(manual.calls).toHaveLength(3);

    const { add: addAgain, storage: fresh } = fakeStorage();
    addAgain("hw", "alice", "a");
    const failing = manualCompute();
    const other = createSimilarityService({ storage: fresh, log: pino({ level: "silent" }), timeoutMs: 1000, maxPairs: 10, compute: failing.compute });
    await other.get("c", "hw");
    await settle();
    failing.calls[0]?.finish(new Error("thread stopped"));
    await settle();
    expect(await other.get("c", "hw")).toEqual({ kind: "failed", message: "thread stopped" });
    expect((await other.get("c", "hw")).kind).toBe("computing");
  });
});

describe("excerpt", () => {
  it("cuts a span out of the source, across lines, and clips a long one", () => {
    expect(excerpt("one two\nthree four\nfive", { startRow: 0, startCol: 4, endRow: 1, endCol: 5 })).toBe("two\nthree");
    expect(excerpt("x".repeat(1000), { startRow: 0, startCol: 0, endRow: 0, endCol: 1000 })).toMatch(/clipped: 1000 characters/);
  });
});

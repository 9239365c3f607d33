import { describe, expect, it } from "vitest";
import { EXERCISE_IDS, exportNames, solutionModule, starterModule } from "../../exercises/index.ts";
import { renameIdentifiers, syntheticClass } from "../../tests/grade-all-corpus.ts";
import { findSimilarOnThread } from "./similarity-thread.ts";

describe("findSimilarOnThread", () => {
  it("ranks a renamed-identifiers copy first, as findSimilar does", async () => {
    // Only threads here: once a test's own thread holds Dolos' native parsers, no other thread may load them.
    const solution = solutionModule();
    const files = [
      { id: "alice", source: solution },
      { id: "bob", source: starterModule() },
      { id: "dave", source: solutionModule(EXERCISE_IDS.slice(0, 3)) },
      { id: "mallory", source: renameIdentifiers(solution, EXERCISE_IDS.flatMap((id) => exportNames(id))) },
    ];
    const result = await findSimilarOnThread(files, { ignore: [starterModule()] }, { timeoutMs: 120_000 });
    expect([result.pairs[0]?.left, result.pairs[0]?.right].sort()).toEqual(["alice", "mallory"]);
    expect(result.pairs[0]?.fragments.length).toBeGreaterThan(0);
    expect(result.files).toBe(files);
    // A second thread after the first has ended loads the parsers afresh.
    expect((await findSimilarOnThread(files, { ignore: [starterModule()] }, { timeoutMs: 120_000 })).pairs).toEqual(result.pairs);
  });

  it("fails, naming the limit, when the comparison outlasts its deadline", async () => {
    await expect(findSimilarOnThread(syntheticClass(30, 5), {}, { timeoutMs: 1 })).rejects.toThrow("longer than 1 ms");
  });

  it("ends the thread when cancelled", async () => {
    const abort = new AbortController();
    const running = findSimilarOnThread(syntheticClass(30, 5), {}, { timeoutMs: 120_000, signal: abort.signal });
    abort.abort();
    await expect(running).rejects.toThrow("cancelled");
  });
});

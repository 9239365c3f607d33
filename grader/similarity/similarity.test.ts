import { Dolos, File } from "@dodona/dolos-lib";
import { describe, expect, it } from "vitest";
import { EXERCISE_IDS, exportNames, solutionModule, starterModule } from "../../exercises/index.ts";
import { renameIdentifiers, syntheticClass } from "../../tests/grade-all-corpus.ts";
import { findSimilar } from "./similarity.ts";
import { similarityCsv } from "./similarity-csv.ts";
import { similarityHtml } from "./similarity-html.ts";

const exported = EXERCISE_IDS.flatMap((id) => exportNames(id));
const solution = solutionModule();
const renamed = renameIdentifiers(solution, exported);

describe("findSimilar", () => {
  it("ranks a renamed-identifiers copy first, above a half copy and the starters", async () => {
    expect(renamed).not.toContain("A_prev");
    const result = await findSimilar(
      [
        { id: "alice", source: solution },
        { id: "bob", source: starterModule() },
        { id: "carol", source: starterModule() },
        { id: "dave", source: solutionModule(EXERCISE_IDS.slice(0, 3)) },
        { id: "mallory", source: renamed },
      ],
      { ignore: [starterModule()] },
    );
    const [first, second] = result.pairs;
    expect([first?.left, first?.right].sort()).toEqual(["alice", "mallory"]);
    // Clearly first: Dolos counts the ignored starter in its denominator, so even a full copy stays below 1 here.
    expect(first?.similarity ?? 0).toBeGreaterThan(1.5 * (second?.similarity ?? 1));
    expect(first?.fragments.length).toBeGreaterThan(0);
    // The starters match each other entirely, and it is all shared code: no pair.
    expect(result.pairs.some((p) => p.left === "bob" && p.right === "carol")).toBe(false);
  });

  it("counts the starter as shared only when told to ignore it", async () => {
    const files = [
      { id: "bob", source: starterModule() },
      { id: "carol", source: starterModule() },
      { id: "dan", source: "export const x = 1;\n" },
    ];
    const without = await findSimilar(files);
    expect(without.pairs[0]?.similarity).toBe(1);
    expect((await findSimilar(files, { ignore: [starterModule()] })).pairs.filter((p) => p.left === "bob" || p.right === "bob")).toEqual([]);
  });

  it("measures exactly the pairs Dolos itself ranks highest, though it builds only the candidates of its first pass", async () => {
    const files = syntheticClass(40, 7);
    const ours = await findSimilar(files, { ignore: [starterModule()], maxPairs: 80 });
    expect(ours.pairs.length).toBeLessThanOrEqual(80);
    const dolos = new Dolos({ language: "typescript" });
    const report = await dolos.analyze(
      files.map((f) => new File(f.id, f.source)),
      "all",
      new File("(shared code)", starterModule()),
    );
    const theirs = report.allPairs().sort((a, b) => b.similarity - a.similarity);
    const top = (n: number) => theirs.slice(0, n).map((p) => p.similarity);
    expect(ours.pairs.slice(0, 20).map((p) => p.similarity)).toEqual(top(20));
  });

  it("needs two submissions to compare", async () => {
    expect((await findSimilar([{ id: "a", source: solution }])).pairs).toEqual([]);
  });
});

describe("similarity reports", () => {
  it("CSV ranks pairs; the page escapes student text, highlights both sides and says it is no verdict", async () => {
    const hostile = `${solution}\n// </pre><script>alert(1)</script> & "quotes"\n`;
    const result = await findSimilar([
      { id: "<b>alice</b>", source: hostile },
      { id: "mallory", source: renamed },
      { id: "bob", source: "export const y = 2;\n" },
    ]);
    const csv = similarityCsv(result).split("\r\n");
    expect(csv[0]).toBe("rank,left,right,similarity,longest,overlap");
    expect(csv[1]).toMatch(/^1,(<b>alice<\/b>,mallory|mallory,<b>alice<\/b>),[01]\.\d{4},\d+,\d+$/);
    const html = similarityHtml(result, { generatedAt: new Date("2026-12-01T00:00:00Z") });
    expect(html).not.toContain("<script>");
    expect(html).not.toContain("<b>alice</b>");
    expect(html).toContain("&#60;/pre&#62;&#60;script&#62;");
    expect(html).toContain("Similarity is evidence for a person to judge, not a verdict.");
    const pair = html.slice(html.indexOf('<section id="pair-1">'));
    const sides = pair.split('<div class="side">').slice(1);
    expect(sides).toHaveLength(2);
    for (const side of sides) expect(side).toMatch(/<mark class="f0"/);
  });
});

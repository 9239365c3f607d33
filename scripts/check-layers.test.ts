import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildGraph, findCycles, findLayerViolations, judgeCycles } from "./check-layers.ts";

const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

describe("findCycles", () => {
  it("finds a ring of three files and a file importing itself, and nothing in the acyclic rest", () => {
    const cycles = findCycles(graph({
      "grader/a.ts": ["grader/b.ts"],
      "grader/b.ts": ["grader/c.ts", "reference/x.ts"],
      "grader/c.ts": ["grader/a.ts"],
      "reference/x.ts": [],
      "server/self.ts": ["server/self.ts"],
      "server/d.ts": ["grader/a.ts"],
    }));
    expect(cycles).toEqual([["grader/a.ts", "grader/b.ts", "grader/c.ts"], ["server/self.ts"]]);
  });

  it("finds two separate cycles joined by a one-way edge as two", () => {
    const cycles = findCycles(graph({ a: ["b"], b: ["a", "c"], c: ["d"], d: ["c"] }));
    expect(cycles).toEqual([["a", "b"], ["c", "d"]]);
  });

  it("passes a clean graph, shared dependencies (a diamond) included", () => {
    expect(findCycles(graph({ top: ["left", "right"], left: ["bottom"], right: ["bottom"], bottom: [] }))).toEqual([]);
  });
});

describe("findLayerViolations", () => {
  it("finds a lower folder importing a higher one, and web importing server", () => {
    const violations = findLayerViolations(graph({
      "grader/run.ts": ["server/config.ts", "exercises/index.ts"],
      "web/plugin.ts": ["server/config.ts", "grader/np/index.ts"],
      "reference/a.ts": ["exercises/index.ts"],
    }));
    expect(violations).toEqual([
      { from: "grader/run.ts", to: "server/config.ts" },
      { from: "reference/a.ts", to: "exercises/index.ts" },
      { from: "web/plugin.ts", to: "server/config.ts" },
    ]);
  });

  it("passes arrows that point down the order, and bench and scripts importing anything", () => {
    expect(findLayerViolations(graph({
      "cli/main.ts": ["server/service.ts", "grader/index.ts"],
      "server/service.ts": ["web/plugin.ts", "grader/index.ts"],
      "grader/index.ts": ["exercises/index.ts"],
      "exercises/index.ts": ["reference/index.ts"],
      "bench/run.ts": ["cli/main.ts", "tests/helpers/x.ts"],
      "scripts/build.ts": ["server/main.ts"],
    }))).toEqual([]);
  });
});

describe("judgeCycles", () => {
  it("allows a cycle only inside one allowlist entry and reports entries nothing matched", () => {
    const known = [["server/app.ts", "server/routes/a.ts", "server/routes/b.ts"], ["grader/x.ts", "grader/y.ts"]];
    const verdict = judgeCycles([["server/app.ts", "server/routes/a.ts"], ["server/app.ts", "server/other.ts"]], known);
    expect(verdict.allowed).toEqual([["server/app.ts", "server/routes/a.ts"]]);
    expect(verdict.offending).toEqual([["server/app.ts", "server/other.ts"]]);
    expect(verdict.unusedAllowances).toEqual([["grader/x.ts", "grader/y.ts"]]);
  });
});

describe("buildGraph", () => {
  it("reads value, type-only, re-export and dynamic imports of non-test files, and ignores packages", () => {
    const root = mkdtempSync(join(tmpdir(), "check-layers-"));
    try {
      const files: Record<string, string> = {
        "grader/a.ts": 'import { b } from "./b.ts";\nimport type { C } from "./c.ts";\nimport ts from "typescript";\nexport const a = b;\n',
        "grader/b.ts": 'export * from "../reference/r.ts";\nexport const b = () => import("./c.ts");\n',
        "grader/c.ts": 'import { readFileSync } from "node:fs";\nexport type C = number;\n',
        "grader/a.test.ts": 'import { a } from "./a.ts";\n',
        "reference/r.ts": "export const r = 1;\n",
      };
      for (const [file, text] of Object.entries(files)) {
        mkdirSync(dirname(join(root, file)), { recursive: true });
        writeFileSync(join(root, file), text);
      }
      expect(Object.fromEntries(buildGraph(root))).toEqual({
        "grader/a.ts": ["grader/b.ts", "grader/c.ts"],
        "grader/b.ts": ["grader/c.ts", "reference/r.ts"],
        "grader/c.ts": [],
        "reference/r.ts": [],
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

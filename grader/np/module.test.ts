import { readdirSync, readFileSync } from "node:fs";
import { createContext, runInContext } from "node:vm";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";

const entry = new URL("./index.ts", import.meta.url).pathname;

describe("grader/np/index.ts as the isolate will load it", () => {
  const sources = readdirSync(new URL(".", import.meta.url)).filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.endsWith(".testkit.ts") && !f.endsWith(".d.ts"));

  it.each(sources)("%s imports only its sibling files", (file) => {
    const text = readFileSync(new URL(file, import.meta.url), "utf8");
    const specifiers = [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+(["'])(.*?)\1/gm)].map((m) => m[2]);
    expect(specifiers.filter((s) => !/^\.\/[\w-]+\.ts$/.test(s ?? ""))).toEqual([]);
    expect(text).not.toMatch(/\bimport\s*\(|\brequire\s*\(/);
  });

  it("runs in a bare ECMAScript context (no console, process or other host globals)", () => {
    const bundle = buildSync({ entryPoints: [entry], bundle: true, format: "iife", globalName: "np", write: false }).outputFiles[0]!.text;
    const context = createContext({});
    runInContext(bundle, context);
    const printed: unknown = runInContext(
      `const x = new np.NDArray([1, 3, 3, 1], Float64Array.from({ length: 9 }, (_, i) => i));
       const window = x.slice(0, [1, 3], [0, 2], null);
       [String(np.pad(window, [[0, 0], [0, 0], [0, 0]], 0).mul(2)), np.sum(window), np.max(x)].join("|")`,
      context,
    );
    expect(printed).toBe("[[[ 6.]\n  [ 8.]]\n\n [[12.]\n  [14.]]]|20|8");
  });
});

import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { compileSubmission, createCachedCompile, type CompileResult } from "./compile.ts";

const opts = { maxSourceBytes: 256 * 1024 };

function errorsOf(result: CompileResult) {
  if (result.kind !== "compile_error") throw new Error(`expected compile_error, got ${result.kind}`);
  return result.diagnostics;
}

/** Loads the compiled wrapper the way the sandbox does, with a require that knows only the helper module. */
function load(code: string, helper: object = {}): Record<string, unknown> {
  const factory = runInNewContext(code) as (m: object, e: object, r: (s: string) => unknown) => void;
  const module = { exports: {} as Record<string, unknown> };
  factory(module, module.exports, (s) => {
    if (s !== "@autograde/np") throw new Error(`unexpected require ${s}`);
    return helper;
  });
  return module.exports;
}

describe("compileSubmission", () => {
  it("compiles TypeScript into a loadable wrapper whose exports work", () => {
    const result = compileSubmission(
      `import type { NDArray } from "@autograde/np";\nexport function distribute_value(dz: number, shape: [number, number]): number[][] {\n  const v: number = dz / (shape[0] * shape[1]);\n  return [[v, v], [v, v]];\n}\n`,
      opts,
    );
    if (result.kind !== "ok") throw new Error(JSON.stringify(result));
    expect(result.compileMs).toBeGreaterThanOrEqual(0);
    const exports = load(result.code);
    expect((exports.distribute_value as (dz: number, s: number[]) => number[][])(8, [2, 2])).toEqual([[2, 2], [2, 2]]);
  });

  it("lets the helper module be imported and resolves it through the sandbox's require", () => {
    const result = compileSubmission(`import * as np from "@autograde/np";\nimport { zeros } from "@autograde/np";\nexport const zero_pad = (x: unknown) => np.tag + zeros();`, opts);
    if (result.kind !== "ok") throw new Error(JSON.stringify(result));
    const exports = load(result.code, { tag: "np:", zeros: () => "z" });
    expect((exports.zero_pad as (x: unknown) => string)(0)).toBe("np:z");
  });

  it("compiles in strict mode, as the ES module the student wrote", () => {
    const result = compileSubmission(`export function f() { return this === undefined; }`, opts);
    if (result.kind !== "ok") throw new Error(JSON.stringify(result));
    const f = load(result.code).f as () => boolean;
    expect(f()).toBe(true);
  });

  it.each([
    ["missing paren", "export function zero_pad(x: number {\n  return x;\n}\n", 1, 36],
    ["error on line 3", "const a = 1;\nconst b = 2;\nconst c = ;\n", 3, 11],
    ["unterminated string, at the end of its line", 'export const s = "abc;\n', 1, 23],
    ["top-level await", "export const z = 1;\nawait Promise.resolve(0);\n", 2, 1],
  ])("syntax error (%s) is reported with its 1-based line and column", (_name, source, line, column) => {
    const [first] = errorsOf(compileSubmission(source, opts));
    expect(first).toMatchObject({ line, column, severity: "error" });
    expect(first?.message.length).toBeGreaterThan(0);
  });

  it.each([
    ["value import of fs", 'import fs from "fs";\nexport const a = fs;', 1, 16, /"fs" is not allowed/],
    ["named import, used only as a type", 'import { Stats } from "node:fs";\nexport let a: Stats;', 1, 23, /"node:fs" is not allowed/],
    ["side-effect import", 'export const a = 1;\nimport "./other.ts";', 2, 8, /"\.\/other\.ts" is not allowed/],
    ["absolute path", 'import { x } from "/work/main/exercises/index.ts";\nexport const a = x;', 1, 19, /is not allowed/],
    ["re-export", 'export { readFileSync } from "fs";', 1, 30, /"fs" is not allowed/],
    ["require call", 'const a = 1;\nconst fs = require("fs");\nexport { fs };', 2, 12, /require is not available/],
    ["require alias", "const r = require;\nexport const a = r;", 1, 11, /require is not available/],
    ["dynamic import literal", 'export const a = () => import("os");', 1, 24, /dynamic import\(\) is not allowed/],
    ["dynamic import of a variable", "export const a = (m: string) => import(m);", 1, 33, /dynamic import\(\) is not allowed/],
    ["dynamic import of the helper", 'export const a = () => import("@autograde/np");', 1, 24, /dynamic import\(\) is not allowed/],
    ["import = require", 'import fs = require("fs");\nexport const a = fs;', 1, 1, /import = require/],
  ])("forbidden import (%s) is a compile error at its position", (_name, source, line, column, message) => {
    const diagnostics = errorsOf(compileSubmission(source, opts));
    expect(diagnostics[0]).toMatchObject({ line, column, severity: "error" });
    expect(diagnostics[0]?.message).toMatch(message);
  });

  it.each([
    ["import type", 'import type { Stats } from "node:fs";\nexport let a: Stats | undefined;'],
    ["inline type specifiers", 'import { type Stats, type Dirent } from "node:fs";\nexport let a: Stats | Dirent | undefined;'],
    ["export type from", 'export type { Stats } from "node:fs";'],
    ["require as a property name", "const o = { require: 1 };\nexport const a = o.require;"],
    ["require in a type query position", "interface R { require: number }\nexport const a = (r: R) => r.require;"],
  ])("type-only or harmless form (%s) compiles", (_name, source) => {
    expect(compileSubmission(source, opts).kind).toBe("ok");
  });

  it("reports every forbidden import, not only the first", () => {
    const diagnostics = errorsOf(compileSubmission('import a from "a";\nimport b from "b";\nexport const c = [a, b];', opts));
    expect(diagnostics.map((d) => d.line)).toEqual([1, 2]);
  });

  it.each([
    ["exactly at the cap", 100, 100, "ok"],
    ["one byte over", 101, 100, "too_large"],
  ])("source size %s", (_name, size, cap, kind) => {
    const source = `//${"x".repeat(size - 2)}`;
    const result = compileSubmission(source, { maxSourceBytes: cap });
    expect(result.kind).toBe(kind);
    if (result.kind === "too_large") expect(result).toEqual({ kind: "too_large", bytes: size, limitBytes: cap });
  });

  it("measures the cap in UTF-8 bytes, not characters, and refuses before parsing", () => {
    // 60 three-byte characters and "(": 181 bytes but 60 UTF-16 units; also a syntax error that must not be reported.
    const result = compileSubmission(`${"€".repeat(60)}(`, { maxSourceBytes: 100 });
    expect(result).toEqual({ kind: "too_large", bytes: 181, limitBytes: 100 });
  });

  it("refuses a nonsensical cap with a clear error", () => {
    expect(() => compileSubmission("", { maxSourceBytes: 0 })).toThrow(/maxSourceBytes must be a positive integer/);
  });

  describe("a source nested too deeply for TypeScript's recursive parser", () => {
    // TypeScript's parser overflows the stack near 1,000 levels on the main thread; esbuild and V8 take this.
    const deep = (depth: number) => `export const deep = ${"[".repeat(depth)}${"]".repeat(depth)};\n`;

    it("compiles 50,000 arrays deep (whether V8 then takes it is the sandbox's business)", () => {
      expect(compileSubmission(deep(50_000), opts).kind).toBe("ok");
    });

    it("compiles a constant 1,500 arrays deep, and the module loads", () => {
      const depth = 1500;
      const result = compileSubmission(`import * as np from "@autograde/np";\nimport type { NDArray } from "@autograde/np";\n${deep(depth)}export const zero_pad = (x: NDArray) => np.tag + x;`, opts);
      if (result.kind !== "ok") throw new Error(JSON.stringify(result));
      const exports = load(result.code, { tag: "np:" });
      expect((exports.zero_pad as (x: string) => string)("x")).toBe("np:x");
      let level: unknown = exports.deep;
      let levels = 0;
      for (; Array.isArray(level) && level.length > 0; level = level[0]) levels++;
      expect(levels).toBe(depth - 1);
    });

    it("still refuses forbidden imports, pointing at each one", () => {
      const source = `import type { T } from "./types";\n${deep(2000)}import fs from "node:fs";\nexport const cp = require("child_process");\nexport const os = import('node:os');\nexport { a } from "./other";\nexport const f = (t: T) => fs;\n`;
      const diagnostics = errorsOf(compileSubmission(source, opts));
      expect(diagnostics.map((d) => [d.line, d.column, d.message.replace(/: (use|only) .*/, "")])).toEqual([
        [3, 16, 'import of "node:fs" is not allowed'],
        [6, 19, 'import of "./other" is not allowed'],
        [4, 27, "require is not available"],
        [5, 26, "dynamic import() is not allowed"],
      ]);
    });
  });
});

describe("createCachedCompile", () => {
  it("compiles each distinct source once and returns the same code for it again", () => {
    const seen: string[] = [];
    const compile = createCachedCompile((source) => {
      seen.push(source);
      return { kind: "ok", code: `/* ${source.length} */`, compileMs: 5 };
    });
    const a = "export const a = 1;";
    const first = compile(a);
    const again = compile(a);
    compile(`${a}\n// another`);
    expect(seen).toEqual([a, `${a}\n// another`]);
    expect(again).toMatchObject({ kind: "ok", code: first.kind === "ok" ? first.code : "" });
  });

  it("gives the real compiler's result, compile errors included", () => {
    const compile = createCachedCompile();
    const broken = "export function f( {";
    expect(compile(broken).kind).toBe("compile_error");
    expect(compile(broken)).toEqual(compile(broken));
    const ok = compile("export const x: number = 1;");
    expect(ok.kind).toBe("ok");
  });
});

import { readFileSync } from "node:fs";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { NP_DTS_PATH, buildNpDts } from "../../scripts/build-np-dts.ts";
import * as np from "./index.ts";
import { snippetModule, type SnippetKind } from "./snippets.testkit.ts";

describe("np.d.ts", () => {
  it("is up to date with grader/np/index.ts (regenerate: npx tsx scripts/build-np-dts.ts)", () => {
    expect(readFileSync(NP_DTS_PATH, "utf8")).toBe(buildNpDts());
  });

  it("declares exactly the values grader/np/index.ts exports at run time, in one file without imports", () => {
    const dts = ts.createSourceFile("np.d.ts", readFileSync(NP_DTS_PATH, "utf8"), ts.ScriptTarget.ES2022, true);
    const declaredValues = dts.statements.flatMap((s) => ((ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name ? [s.name.text] : []));
    expect(declaredValues.sort()).toEqual(Object.keys(np).sort());
    expect(dts.statements.filter((s) => ts.isImportDeclaration(s) || (ts.isExportDeclaration(s) && s.moduleSpecifier !== undefined))).toEqual([]);
  });

  // The snippets are excluded from the project's tsconfig; this is what a student's editor would report on them.
  it.each(["solution", "starter"] as SnippetKind[])("types every %s snippet without errors", (kind) => {
    const submission = "/student/submission.ts";
    const declarations = "/student/node_modules/@autograde/np/index.d.ts";
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      types: [],
      strict: true,
      noEmit: true,
    };
    const files = new Map([
      [submission, snippetModule(kind)],
      [declarations, readFileSync(NP_DTS_PATH, "utf8")],
    ]);
    const host = ts.createCompilerHost(options);
    host.resolveModuleNameLiterals = (literals) =>
      literals.map((literal) => ({
        resolvedModule:
          literal.text === "@autograde/np" ? { resolvedFileName: declarations, extension: ts.Extension.Dts } : undefined,
      }));
    const getLibFile = host.getSourceFile.bind(host);
    host.getSourceFile = (f, language) => {
      const text = files.get(f);
      return text === undefined ? getLibFile(f, language) : ts.createSourceFile(f, text, language);
    };
    const program = ts.createProgram([submission], options, host);
    const messages = ts.getPreEmitDiagnostics(program).map((d) => {
      const where = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      return `${d.file?.fileName}:${where ? where.line + 1 : "?"}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(messages).toEqual([]);
  });
});

// Writes grader/np/np.d.ts, the declarations of "@autograde/np" for students' editors and the grader's type check.
// `npx tsx scripts/build-np-dts.ts` rewrites it; `--check` exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

export const NP_SOURCE_PATH = fileURLToPath(new URL("../grader/np/index.ts", import.meta.url));
export const NP_DTS_PATH = fileURLToPath(new URL("../grader/np/np.d.ts", import.meta.url));

const HEADER =
  "// Generated from grader/np/index.ts and the files it re-exports by scripts/build-np-dts.ts; do not edit.\n" +
  '// The declarations of the "@autograde/np" module: save as node_modules/@autograde/np/index.d.ts\n' +
  "// (or map the name with tsconfig \"paths\") to get types and completion in your editor.\n";

// The module runs in a bare isolate: only the language's own library may appear in its types.
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  allowImportingTsExtensions: true,
  lib: ["lib.es2022.d.ts"],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  declaration: true,
  emitDeclarationOnly: true,
  skipLibCheck: true,
};

/**
 * Students get one self-contained module, so the per-file declarations are joined: for every file
 * index.ts re-exports from (in its order), the declarations of the public names, JSDoc included.
 * Imports between the files disappear because every name they could refer to lands in the same file;
 * checkStandalone proves that, and that the result exports exactly what index.ts does.
 */
export function buildNpDts(): string {
  const host = ts.createCompilerHost(OPTIONS);
  const emitted = new Map<string, string>();
  host.writeFile = (fileName, text) => {
    emitted.set(resolve(fileName), text);
  };
  const program = ts.createProgram([NP_SOURCE_PATH], OPTIONS, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(`grader/np does not compile on its own:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  const result = program.emit(undefined, undefined, undefined, true);
  if (result.emitSkipped) throw new Error("TypeScript emitted no declarations for grader/np");

  const checker = program.getTypeChecker();
  const entry = program.getSourceFile(NP_SOURCE_PATH)!;
  const publicNames = new Set(checker.getExportsOfModule(checker.getSymbolAtLocation(entry)!).map((s) => s.name));

  const pieces: string[] = [];
  for (const file of reexportedFiles(entry)) {
    const dtsName = file.replace(/\.ts$/, ".d.ts");
    const text = emitted.get(dtsName);
    if (text === undefined) throw new Error(`TypeScript emitted no declarations for ${file}`);
    const source = ts.createSourceFile(dtsName, text, ts.ScriptTarget.ES2022, true);
    for (const statement of source.statements) {
      const name = declaredName(statement);
      if (name !== undefined && publicNames.has(name)) pieces.push(text.slice(statement.getStart(source, true), statement.end));
    }
  }
  const bundled = `${HEADER}${pieces.join("\n")}\n`;
  checkStandalone(bundled, publicNames);
  return bundled;
}

/** The sibling files named by index.ts's `export ... from "./x.ts"`, in order, each once. */
function reexportedFiles(entry: ts.SourceFile): string[] {
  const files: string[] = [];
  for (const statement of entry.statements) {
    if (!ts.isExportDeclaration(statement) || statement.moduleSpecifier === undefined || !ts.isStringLiteral(statement.moduleSpecifier)) {
      throw new Error("grader/np/index.ts may only re-export from its sibling files (export { ... } from \"./x.ts\")");
    }
    const file = resolve(dirname(entry.fileName), statement.moduleSpecifier.text);
    if (!files.includes(file)) files.push(file);
  }
  return files;
}

function declaredName(statement: ts.Statement): string | undefined {
  const exported = ts.canHaveModifiers(statement) && ts.getModifiers(statement)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  if (!exported) return undefined;
  if (ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isInterfaceDeclaration(statement)) {
    return statement.name?.text;
  }
  return undefined;
}

/** The joined file must type-check alone and export exactly the public names. */
function checkStandalone(text: string, publicNames: ReadonlySet<string>): void {
  const fileName = "/np/index.d.ts";
  const options: ts.CompilerOptions = { ...OPTIONS, declaration: false, emitDeclarationOnly: false, noEmit: true, skipLibCheck: false, noUnusedLocals: true };
  const host = ts.createCompilerHost(options);
  const getLibFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, language) => (f === fileName ? ts.createSourceFile(f, text, language, true) : getLibFile(f, language));
  const program = ts.createProgram([fileName], options, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) throw new Error(`the joined np.d.ts does not stand alone:\n${ts.formatDiagnostics(diagnostics, host)}`);
  const checker = program.getTypeChecker();
  const exported = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(fileName)!)!).map((s) => s.name);
  const missing = [...publicNames].filter((n) => !exported.includes(n));
  const extra = exported.filter((n) => !publicNames.has(n));
  if (missing.length > 0 || extra.length > 0) {
    throw new Error(`the joined np.d.ts exports the wrong names: missing [${missing.join(", ")}], extra [${extra.join(", ")}]`);
  }
}

function main(args: readonly string[]): void {
  const fresh = buildNpDts();
  if (args.includes("--check")) {
    const committed = readFileSync(NP_DTS_PATH, "utf8");
    if (committed !== fresh) {
      console.error("grader/np/np.d.ts is out of date: run npx tsx scripts/build-np-dts.ts");
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(NP_DTS_PATH, fresh);
  console.log(`wrote ${NP_DTS_PATH}`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));

// Writes grader/np/np.d.ts, the declarations of "@autograde/np" for students' editors and the grader's type check.
// `npx tsx scripts/build-np-dts.ts` rewrites it; `--check` exits 1 when the committed file is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

export const NP_SOURCE_PATH = fileURLToPath(new URL("../grader/np/index.ts", import.meta.url));
export const NP_DTS_PATH = fileURLToPath(new URL("../grader/np/np.d.ts", import.meta.url));

const HEADER =
  "// Generated from grader/np/index.ts by scripts/build-np-dts.ts; do not edit.\n" +
  '// The declarations of the "@autograde/np" module: save as node_modules/@autograde/np/index.d.ts\n' +
  "// (or map the name with tsconfig \"paths\") to get types and completion in your editor.\n";

// The module runs in a bare isolate: only the language's own library may appear in its types.
const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  lib: ["lib.es2022.d.ts"],
  types: [],
  strict: true,
  noUncheckedIndexedAccess: true,
  declaration: true,
  emitDeclarationOnly: true,
  skipLibCheck: true,
};

export function buildNpDts(): string {
  const host = ts.createCompilerHost(OPTIONS);
  let emitted: string | undefined;
  host.writeFile = (fileName, text) => {
    if (fileName.endsWith(".d.ts")) emitted = text;
  };
  const program = ts.createProgram([NP_SOURCE_PATH], OPTIONS, host);
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    throw new Error(`grader/np/index.ts does not compile on its own:\n${ts.formatDiagnostics(diagnostics, host)}`);
  }
  const result = program.emit(undefined, undefined, undefined, true);
  if (result.emitSkipped || emitted === undefined) throw new Error("TypeScript emitted no declarations for grader/np/index.ts");
  return HEADER + emitted;
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

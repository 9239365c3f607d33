import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import type { Exercise } from "../exercises/types.ts";
import { clipText } from "./clip.ts";
import type { Diagnostic } from "./report.ts";

const ROOT = "/autograde";
const SUBMISSION_PATH = `${ROOT}/submission.ts`;
const SIGNATURES_PATH = `${ROOT}/signatures.ts`;
const NP_PATH = `${ROOT}/node_modules/@autograde/np/index.d.ts`;
const NP_MODULE = "@autograde/np";
/** A wall of warnings helps nobody and bloats every stored report. */
const MAX_DIAGNOSTICS = 50;

const COMPILER_OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.Bundler,
  // The isolate has no DOM and no Node: only the language's own library.
  lib: ["lib.es2022.d.ts"],
  strict: true,
  noEmit: true,
  allowImportingTsExtensions: true,
  skipLibCheck: true,
  types: [],
};

export interface TypeCheckerOptions {
  /** The students' helper module's declarations; read lazily, once. */
  readonly npDeclarationsPath?: string;
  /** Reads lib and helper declarations from disk; injectable so tests can count reads. */
  readonly readFile?: (path: string) => string;
}

/** What the checker needs of an exercise: plain data, so it can cross to the checker's thread. */
export type SignatureOf = Pick<Exercise, "id" | "signature">;

export interface TypeChecker {
  /** Type errors in the submission and exports that do not fit their exercise's signature, as warnings. */
  check(source: string, exercises: readonly SignatureOf[]): Diagnostic[] | Promise<Diagnostic[]>;
}

export interface SyncTypeChecker extends TypeChecker {
  check(source: string, exercises: readonly SignatureOf[]): Diagnostic[];
}

export function createTypeChecker(options: TypeCheckerOptions = {}): SyncTypeChecker {
  const npPath = options.npDeclarationsPath ?? fileURLToPath(new URL("./np/np.d.ts", import.meta.url));
  const read = options.readFile ?? ((path: string) => readFileSync(path, "utf8"));
  const libDir = dirname(ts.getDefaultLibFilePath(COMPILER_OPTIONS));
  // Parsing lib.es2022 dominates a cold check; parsed (and bound) files are reused by every later program.
  const stableFiles = new Map<string, ts.SourceFile>();

  function stableFile(fileName: string, read: () => string): ts.SourceFile {
    let file = stableFiles.get(fileName);
    if (!file) {
      file = ts.createSourceFile(fileName, read(), ts.ScriptTarget.ES2022, false);
      stableFiles.set(fileName, file);
    }
    return file;
  }

  function createHost(submission: ts.SourceFile, signatures: ts.SourceFile): ts.CompilerHost {
    return {
      getSourceFile(fileName) {
        if (fileName === SUBMISSION_PATH) return submission;
        if (fileName === SIGNATURES_PATH) return signatures;
        if (fileName === NP_PATH) return stableFile(NP_PATH, () => read(npPath));
        if (fileName.startsWith(libDir)) return stableFile(fileName, () => read(fileName));
        return undefined;
      },
      getDefaultLibFileName: (opts) => ts.getDefaultLibFilePath(opts),
      getDefaultLibLocation: () => libDir,
      writeFile: () => {},
      getCurrentDirectory: () => ROOT,
      getCanonicalFileName: (f) => f,
      useCaseSensitiveFileNames: () => true,
      getNewLine: () => "\n",
      fileExists: (f) => f === SUBMISSION_PATH || f === SIGNATURES_PATH || f === NP_PATH,
      readFile: () => undefined,
      resolveModuleNameLiterals: (literals) =>
        literals.map((literal) =>
          literal.text === NP_MODULE
            ? { resolvedModule: { resolvedFileName: NP_PATH, extension: ts.Extension.Dts, isExternalLibraryImport: false } }
            : { resolvedModule: undefined },
        ),
    };
  }

  return {
    check(source, exercises) {
      const submission = ts.createSourceFile(SUBMISSION_PATH, source, ts.ScriptTarget.ES2022, true);
      const signatures = ts.createSourceFile(SIGNATURES_PATH, signaturesModule(exercises), ts.ScriptTarget.ES2022, true);
      const program = ts.createProgram({
        rootNames: [SUBMISSION_PATH, SIGNATURES_PATH],
        options: COMPILER_OPTIONS,
        host: createHost(submission, signatures),
      });
      const found = [...program.getSyntacticDiagnostics(submission), ...program.getSemanticDiagnostics(submission)].map((d) =>
        toDiagnostic(submission, d.start ?? 0, ts.flattenDiagnosticMessageText(d.messageText, "\n")),
      );
      found.push(...signatureMismatches(program, submission, signatures, exercises));
      found.sort((a, b) => a.line - b.line || a.column - b.column);
      if (found.length <= MAX_DIAGNOSTICS) return found;
      const kept = found.slice(0, MAX_DIAGNOSTICS);
      kept.push({ line: 1, column: 1, severity: "warning", message: `${found.length - MAX_DIAGNOSTICS} more type warnings not shown` });
      return kept;
    },
  };
}

function signaturesModule(exercises: readonly SignatureOf[]): string {
  const declarations = exercises.map((e) =>
    e.signature
      .split("\n")
      .filter((line) => !/^\s*import\s/.test(line))
      .join("\n")
      .replace(/^(\s*)export\s+(?:declare\s+)?function/gm, "$1export declare function"),
  );
  return [`import type { NDArray } from "${NP_MODULE}";`, ...declarations].join("\n");
}

function camelCase(id: string): string {
  return id.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function signatureMismatches(program: ts.Program, submission: ts.SourceFile, signatures: ts.SourceFile, exercises: readonly SignatureOf[]): Diagnostic[] {
  const checker = program.getTypeChecker();
  const exportsOf = (file: ts.SourceFile): Map<string, ts.Symbol> => {
    const moduleSymbol = checker.getSymbolAtLocation(file);
    return new Map(moduleSymbol ? checker.getExportsOfModule(moduleSymbol).map((s) => [s.getName(), s]) : []);
  };
  const studentExports = exportsOf(submission);
  const expectedExports = exportsOf(signatures);
  const out: Diagnostic[] = [];
  for (const exercise of exercises) {
    const expected = expectedExports.get(exercise.id);
    const exportName = [exercise.id, camelCase(exercise.id)].find((n) => studentExports.has(n));
    if (!expected || !exportName) continue;
    const exported = studentExports.get(exportName) as ts.Symbol;
    const target = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const studentType = checker.getTypeOfSymbol(target);
    const expectedType = checker.getTypeOfSymbol(expected);
    if (checker.isTypeAssignableTo(studentType, expectedType)) continue;
    const declaration = exported.declarations?.[0] ?? target.declarations?.[0];
    const at = declaration && declaration.getSourceFile() === submission ? (ts.getNameOfDeclaration(declaration) ?? declaration).getStart(submission) : 0;
    out.push(
      toDiagnostic(
        submission,
        at,
        `${exportName} does not match the exercise's signature: expected ${checker.typeToString(expectedType)}, got ${checker.typeToString(studentType)}`,
      ),
    );
  }
  return out;
}

function toDiagnostic(file: ts.SourceFile, start: number, message: string): Diagnostic {
  const { line, character } = file.getLineAndCharacterOfPosition(start);
  // TypeScript quotes the student's identifiers and types in its messages.
  return { line: line + 1, column: character + 1, severity: "warning", message: clipText(message) };
}


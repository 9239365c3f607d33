import { buildSync, transformSync, type Message, type TransformFailure } from "esbuild";
import ts from "typescript";
import { clipText } from "./clip.ts";
import type { Diagnostic } from "./report.ts";
import { createSourceCache } from "./source-cache.ts";
import { sourceOverLimit } from "./source-limit.ts";

export const HELPER_MODULE = "@autograde/np";

export type CompileResult =
  | { readonly kind: "ok"; readonly code: string; readonly compileMs: number }
  | { readonly kind: "compile_error"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "too_large"; readonly bytes: number; readonly limitBytes: number };
/** What compileSource returns: the size was checked before. */
export type CompiledSource = Exclude<CompileResult, { readonly kind: "too_large" }>;

export interface CompileOptions {
  readonly maxSourceBytes: number;
}

const SOURCE_FILE = "submission.ts";

/**
 * Module format: esbuild's CommonJS output wrapped in a function expression
 * `(function (module, exports, require) { ... })`, which the sandbox compiles as a Script.
 * Why not isolated-vm modules: a Script can run in every fresh per-exercise context of the
 * submission's isolate after being compiled once, whereas a Module is bound to the one context it
 * was instantiated in; CommonJS also makes esbuild reject top-level await at compile time, so
 * loading a module can never leave a never-settling promise behind. The `require` the sandbox
 * passes knows only "@autograde/np".
 */
export function compileSubmission(source: string, opts: CompileOptions): CompileResult {
  if (typeof source !== "string") throw new TypeError("compileSubmission: source must be a string");
  if (!Number.isInteger(opts.maxSourceBytes) || opts.maxSourceBytes <= 0) {
    throw new RangeError(`compileSubmission: maxSourceBytes must be a positive integer, got ${String(opts.maxSourceBytes)}`);
  }
  const over = sourceOverLimit(source, opts.maxSourceBytes);
  if (over !== undefined) return { kind: "too_large", ...over };
  return compileSource(source);
}

/** compileSubmission after its size check, for a caller that made that check itself (the grader). */
export function compileSource(source: string): CompiledSource {
  const started = performance.now();
  let body: string;
  try {
    body = transformSync(source, {
      loader: "ts",
      format: "cjs",
      target: "es2022",
      platform: "neutral",
      sourcefile: SOURCE_FILE,
      logLevel: "silent",
    }).code;
  } catch (error) {
    if (!isTransformFailure(error)) throw error;
    return { kind: "compile_error", diagnostics: error.errors.map(toDiagnostic) };
  }
  const forbidden = findForbiddenImports(source);
  if (forbidden.length > 0) return { kind: "compile_error", diagnostics: forbidden };

  // "use strict" keeps the ES module semantics students wrote against (e.g. `this` is undefined).
  const code = `(function (module, exports, require) {"use strict";\n${body}\n})`;
  return { kind: "ok", code, compileMs: Math.round((performance.now() - started) * 100) / 100 };
}

/** Entries the grader's compile cache keeps, and the largest source it keeps one for: at most 128 × 64 KiB of code. */
const COMPILE_CACHE_ENTRIES = 128;
const COMPILE_CACHE_MAX_SOURCE_CHARS = 64 * 1024;

/**
 * compileSource, once per distinct source: a regrade or a resubmission of the same text reuses the
 * result (compile errors included: the compiler is deterministic). compileMs is then the lookup's.
 */
export function createCachedCompile(compile: (source: string) => CompiledSource = compileSource): (source: string) => CompiledSource {
  const cache = createSourceCache<CompiledSource>(COMPILE_CACHE_ENTRIES);
  return (source) => {
    const started = performance.now();
    const hit = cache.get(source);
    if (hit) return hit.kind === "ok" ? { ...hit, compileMs: Math.round((performance.now() - started) * 100) / 100 } : hit;
    const result = compile(source);
    if (source.length <= COMPILE_CACHE_MAX_SOURCE_CHARS) cache.set(source, result);
    return result;
  };
}

function isTransformFailure(error: unknown): error is TransformFailure {
  return typeof error === "object" && error !== null && Array.isArray((error as TransformFailure).errors);
}

function toDiagnostic(message: Message): Diagnostic {
  return {
    line: message.location?.line ?? 1,
    // esbuild counts columns from 0; editors and our reports count from 1.
    column: (message.location?.column ?? 0) + 1,
    severity: "error",
    // esbuild quotes the source in its messages, and the source is the student's.
    message: clipText(message.text),
  };
}

/** V8's stack overflow, as thrown by TypeScript's recursive descent parser or our own walk. */
function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}

/**
 * The import check on the TypeScript syntax tree, or, for a source nested too deeply for
 * TypeScript's recursive parser (esbuild and V8 accept a constant nested a few thousand arrays deep;
 * TypeScript overflows the stack near a thousand), on the imports esbuild finds.
 */
function findForbiddenImports(source: string): Diagnostic[] {
  try {
    return findForbiddenImportsInTree(source);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return findForbiddenImportsWithEsbuild(source);
  }
}

/**
 * Imports are checked on the TypeScript syntax tree so that only what TypeScript itself erases
 * counts as type-only (`import type`, `import { type A }`, `export type ... from`). An ordinary
 * import from another module is refused even when its bindings happen to be used as types only:
 * the message says how to fix it, which beats a rule that depends on how the code uses a name.
 */
function findForbiddenImportsInTree(source: string): Diagnostic[] {
  // Without parent pointers the parse costs half as much; the walk carries the little context it needs.
  const file = ts.createSourceFile(SOURCE_FILE, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const found: Diagnostic[] = [];
  const report = (node: ts.Node, message: string) => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    found.push({ line: line + 1, column: character + 1, severity: "error", message });
  };
  const allowedOnly = (specifier: string) =>
    `import of "${specifier}" is not allowed: only "${HELPER_MODULE}" and type-only imports (import type ...) may be imported`;

  const visit = (node: ts.Node, parent: ts.Node | undefined, inType: boolean): void => {
    if (ts.isImportDeclaration(node)) {
      const specifier = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : node.moduleSpecifier.getText(file);
      if (specifier !== HELPER_MODULE && !isTypeOnlyImport(node)) report(node.moduleSpecifier, allowedOnly(specifier));
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier) {
      const specifier = ts.isStringLiteral(node.moduleSpecifier) ? node.moduleSpecifier.text : node.moduleSpecifier.getText(file);
      if (specifier !== HELPER_MODULE && !isTypeOnlyExport(node)) report(node.moduleSpecifier, allowedOnly(specifier));
    } else if (ts.isImportEqualsDeclaration(node)) {
      if (!node.isTypeOnly && ts.isExternalModuleReference(node.moduleReference)) {
        report(node, `"import = require(...)" is not allowed: use import ... from "${HELPER_MODULE}"`);
      }
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      report(node, `dynamic import() is not allowed: use a static import from "${HELPER_MODULE}"`);
    } else if (ts.isIdentifier(node) && node.text === "require" && !inType && parent !== undefined && !isPropertyName(node, parent)) {
      report(node, `require is not available: use import ... from "${HELPER_MODULE}"`);
      return;
    }
    const childInType = inType || ts.isTypeNode(node) || ts.isTypeAliasDeclaration(node) || ts.isInterfaceDeclaration(node);
    ts.forEachChild(node, (child) => visit(child, node, childInType));
  };
  visit(file, undefined, false);
  return found;
}

/**
 * esbuild's parser does not recurse on the machine stack, and its bundler lists every import that
 * survives TypeScript's erasure (an ordinary import used only as types included) with its kind. It
 * gives no positions, so the diagnostic points at the first mention of the specifier. A bare
 * `require` that is never called is not seen here; in the sandbox it still loads only the helper.
 */
function findForbiddenImportsWithEsbuild(source: string): Diagnostic[] {
  let result;
  try {
    result = buildSync({
      stdin: { contents: source, loader: "ts", sourcefile: SOURCE_FILE },
      bundle: true,
      external: ["*"],
      format: "esm",
      platform: "neutral",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
  } catch (error) {
    if (!isTransformFailure(error)) throw error;
    return error.errors.map(toDiagnostic);
  }
  const imports = Object.values(result.metafile.inputs).flatMap((input) => input.imports);
  const found: Diagnostic[] = [];
  for (const { path, kind } of imports) {
    if (path === HELPER_MODULE && kind === "import-statement") continue;
    const message =
      kind === "require-call" || kind === "require-resolve"
        ? `require is not available: use import ... from "${HELPER_MODULE}"`
        : kind === "dynamic-import"
          ? `dynamic import() is not allowed: use a static import from "${HELPER_MODULE}"`
          : `import of "${path}" is not allowed: only "${HELPER_MODULE}" and type-only imports (import type ...) may be imported`;
    found.push({ ...positionOf(source, path), severity: "error", message: clipText(message) });
  }
  return found;
}

/** Line and column (from 1) of the first quoted mention of `specifier`, or the top of the file. */
function positionOf(source: string, specifier: string): { line: number; column: number } {
  const quoted = [`"${specifier}"`, `'${specifier}'`, `\`${specifier}\``].map((q) => source.indexOf(q)).filter((i) => i >= 0);
  if (quoted.length === 0) return { line: 1, column: 1 };
  const at = Math.min(...quoted);
  const before = source.slice(0, at);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { line: before.split("\n").length, column: at - lineStart + 1 };
}

function isTypeOnlyImport(node: ts.ImportDeclaration): boolean {
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  if (clause.name) return false;
  const bindings = clause.namedBindings;
  return bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
}

function isTypeOnlyExport(node: ts.ExportDeclaration): boolean {
  if (node.isTypeOnly) return true;
  const clause = node.exportClause;
  return clause !== undefined && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly);
}

/** `o.require`, `{ require: 1 }` and the like name a property, not the variable. */
function isPropertyName(node: ts.Identifier, parent: ts.Node): boolean {
  if (ts.isPropertyAccessExpression(parent) && parent.name === node) return true;
  return (ts.isPropertyAssignment(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent) || ts.isPropertySignature(parent)) && parent.name === node;
}

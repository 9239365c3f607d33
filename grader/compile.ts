import { transformSync, type Message, type TransformFailure } from "esbuild";
import ts from "typescript";
import type { Diagnostic } from "./report.ts";

export const HELPER_MODULE = "@autograde/np";

export type CompileResult =
  | { readonly kind: "ok"; readonly code: string; readonly compileMs: number }
  | { readonly kind: "compile_error"; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: "too_large"; readonly bytes: number; readonly limitBytes: number };

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
  const bytes = Buffer.byteLength(source, "utf8");
  if (bytes > opts.maxSourceBytes) return { kind: "too_large", bytes, limitBytes: opts.maxSourceBytes };

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

function isTransformFailure(error: unknown): error is TransformFailure {
  return typeof error === "object" && error !== null && Array.isArray((error as TransformFailure).errors);
}

function toDiagnostic(message: Message): Diagnostic {
  return {
    line: message.location?.line ?? 1,
    // esbuild counts columns from 0; editors and our reports count from 1.
    column: (message.location?.column ?? 0) + 1,
    severity: "error",
    message: message.text,
  };
}

/**
 * Imports are checked on the TypeScript syntax tree so that only what TypeScript itself erases
 * counts as type-only (`import type`, `import { type A }`, `export type ... from`). An ordinary
 * import from another module is refused even when its bindings happen to be used as types only:
 * the message says how to fix it, which beats a rule that depends on how the code uses a name.
 */
function findForbiddenImports(source: string): Diagnostic[] {
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

import { buildSync } from "esbuild";
import { fileURLToPath } from "node:url";

const PRELUDE_PATH = fileURLToPath(new URL("./prelude.ts", import.meta.url));

/** Bundles a self-contained TypeScript file into an expression that evaluates to its exports object. */
function bundleAsExpression(entry: string): string {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    format: "iife",
    globalName: "__bundle",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`bundling ${entry} produced no output`);
  // Inside a function the bundle's `var __bundle` stays local instead of becoming a global.
  return `(function () {\n${text}\nreturn __bundle;\n})()`;
}

export interface SandboxScripts {
  /** Evaluates to the prelude's dispatch function; must run first in a fresh context. */
  readonly prelude: string;
  /** Evaluates to the "@autograde/np" exports object. */
  readonly helper: string;
}

export function buildSandboxScripts(helperModulePath: string, maxOutputElements: number): SandboxScripts {
  return {
    prelude: `${bundleAsExpression(PRELUDE_PATH)}.install(${JSON.stringify(maxOutputElements)})`,
    helper: bundleAsExpression(helperModulePath),
  };
}

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";

/**
 * A worker thread's eval'd entry when it runs TypeScript source: it registers tsx first. The script
 * is CommonJS; it reaches tsx's ESM API through the file its package exports, so it works from any
 * working directory and whether or not the caller itself runs under tsx.
 */
export function tsxBootScript(entry: string): string {
  const require = createRequire(import.meta.url);
  const tsxPackage = require.resolve("tsx/package.json");
  const exportsMap = JSON.parse(readFileSync(tsxPackage, "utf8")) as { exports: Record<string, { import: { default: string } }> };
  const api = pathToFileURL(join(dirname(tsxPackage), exportsMap.exports["./esm/api"]!.import.default)).href;
  return `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

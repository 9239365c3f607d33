// Shared benchmark entry: `npm run bench -- <name> [args]` runs the default export of bench/<name>.ts.
// Every top-level .ts file here is a benchmark; code they share lives in bench/lib/.
import { readdir } from "node:fs/promises";

type Benchmark = (args: readonly string[]) => Promise<void> | void;

const benchDir = new URL(".", import.meta.url);
const available = (await readdir(benchDir, { withFileTypes: true }))
  .filter((entry) => entry.isFile() && entry.name.endsWith(".ts") && entry.name !== "run.ts" && !entry.name.endsWith(".test.ts"))
  .map((entry) => entry.name.slice(0, -".ts".length))
  .sort();

const [name, ...args] = process.argv.slice(2);
if (name === undefined || !available.includes(name)) {
  if (name !== undefined) console.error(`unknown benchmark "${name}"`);
  console.error(`usage: npm run bench -- <name> [args]\navailable: ${available.join(", ")}`);
  process.exitCode = name === undefined ? 0 : 1;
} else {
  const module = (await import(new URL(`${name}.ts`, benchDir).href)) as { default?: unknown };
  if (typeof module.default !== "function") throw new Error(`bench/${name}.ts has no default export function`);
  await (module.default as Benchmark)(args);
}

// Fails when the non-test sources import each other in a cycle, or against the layer order
// cli → server → grader → exercises → reference (web beside server, depending on nothing of its).
// Run by .ci/run as `npm run check:layers`; `import type` counts, because a type cycle ties modules
// together for a reader just as a value cycle does.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";

/** Repository-relative paths with `/`; an edge list per file. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

export const FOLDERS = ["reference", "exercises", "grader", "server", "cli", "web", "bench", "scripts"] as const;
type Folder = (typeof FOLDERS)[number];

/** What each top-level folder may import (itself included); bench and scripts sit above everything, tests' helpers included. */
export const MAY_IMPORT: Readonly<Record<Folder, readonly string[] | "anything">> = {
  reference: ["reference"],
  exercises: ["exercises", "reference"],
  grader: ["grader", "exercises", "reference"],
  web: ["web", "grader", "exercises", "reference"],
  server: ["server", "web", "grader", "exercises", "reference"],
  cli: ["cli", "server", "web", "grader", "exercises", "reference"],
  bench: "anything",
  scripts: "anything",
};

/**
 * Cycles tolerated for now, each listing every file it may span. An import cycle is allowed only
 * when all its files are in one entry; an entry that no longer matches anything is reported.
 */
export const KNOWN_CYCLES: readonly (readonly string[])[] = [
  // Empty: the last one (server/app.ts ↔ server/routes/*.ts) went when AppDeps moved to server/app-deps.ts.
  // An entry is a temporary, commented exception listing every file of the cycle, e.g.
  // ["server/app.ts", "server/routes/me.ts"], to be removed with the cycle.
];

/** Strongly connected components with more than one file, or one file importing itself (Tarjan). */
export function findCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  const nodes = new Set<string>([...graph.keys(), ...[...graph.values()].flat()]);
  for (const root of [...nodes].sort()) {
    if (index.has(root)) continue;
    // An explicit work stack instead of recursion: each frame is a node and how many of its edges it has followed.
    const work: [node: string, edge: number][] = [[root, 0]];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      const [node, edge] = frame;
      const targets = graph.get(node) ?? [];
      if (edge < targets.length) {
        frame[1]++;
        const target = targets[edge]!;
        if (!index.has(target)) {
          index.set(target, next);
          low.set(target, next++);
          stack.push(target);
          onStack.add(target);
          work.push([target, 0]);
        } else if (onStack.has(target)) {
          low.set(node, Math.min(low.get(node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent !== undefined) low.set(parent[0], Math.min(low.get(parent[0])!, low.get(node)!));
      if (low.get(node) !== index.get(node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || targets.includes(node)) cycles.push(component.sort());
    }
  }
  return cycles.sort((a, b) => a[0]!.localeCompare(b[0]!));
}

export interface LayerViolation { from: string; to: string }

/** Imports from a file in one folder into a folder it may not depend on. */
export function findLayerViolations(graph: ImportGraph, mayImport: Readonly<Record<string, readonly string[] | "anything">> = MAY_IMPORT): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const [from, targets] of graph) {
    const allowed = mayImport[topFolder(from)];
    if (allowed === undefined || allowed === "anything") continue;
    for (const to of targets) {
      if (!allowed.includes(topFolder(to))) violations.push({ from, to });
    }
  }
  return violations.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}

export interface CycleVerdict { offending: string[][]; allowed: string[][]; unusedAllowances: (readonly string[])[] }

export function judgeCycles(cycles: readonly string[][], known: readonly (readonly string[])[] = KNOWN_CYCLES): CycleVerdict {
  const verdict: CycleVerdict = { offending: [], allowed: [], unusedAllowances: [] };
  const used = new Set<readonly string[]>();
  for (const cycle of cycles) {
    const entry = known.find((files) => cycle.every((file) => files.includes(file)));
    if (entry === undefined) {
      verdict.offending.push(cycle);
    } else {
      verdict.allowed.push(cycle);
      used.add(entry);
    }
  }
  verdict.unusedAllowances = known.filter((entry) => !used.has(entry));
  return verdict;
}

function topFolder(file: string): string {
  return file.split("/", 1)[0]!;
}

/** Every non-test `.ts` file under the checked folders, repository-relative. */
export function sourceFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!["node_modules", "dist", "tests", "out"].includes(entry.name)) walk(path);
      } else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
        files.push(relative(root, path).split(sep).join("/"));
      }
    }
  };
  for (const folder of FOLDERS) if (existsSync(join(root, folder))) walk(join(root, folder));
  return files.sort();
}

/** The project files a file imports (static, dynamic and type-only); packages and `node:` modules are left out. */
export function importsOf(root: string, file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(root, file), "utf8"), true, true);
  const targets = new Set<string>();
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith(".")) continue;
    const resolved = resolveLocal(root, join(dirname(file), fileName));
    if (resolved === undefined) throw new Error(`${file}: cannot resolve import "${fileName}"`);
    targets.add(resolved);
  }
  return [...targets].sort();
}

function resolveLocal(root: string, path: string): string | undefined {
  const candidates = [path, path.replace(/\.js$/, ".ts"), `${path}.ts`, join(path, "index.ts")];
  const found = candidates.find((candidate) => existsSync(join(root, candidate)) && statSync(join(root, candidate)).isFile());
  return found?.split(sep).join("/");
}

export function buildGraph(root: string): Map<string, string[]> {
  return new Map(sourceFiles(root).map((file) => [file, importsOf(root, file)]));
}

function main(): void {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const graph = buildGraph(root);
  const verdict = judgeCycles(findCycles(graph));
  const violations = findLayerViolations(graph);
  for (const cycle of verdict.allowed) console.log(`known import cycle (allowed for now, see KNOWN_CYCLES): ${cycle.join(" ↔ ")}`);
  for (const entry of verdict.unusedAllowances) console.log(`KNOWN_CYCLES entry no longer needed, remove it: ${entry.join(", ")}`);
  for (const cycle of verdict.offending) console.error(`import cycle: ${cycle.join(" ↔ ")}`);
  for (const { from, to } of violations) console.error(`layer violation: ${from} imports ${to} (${topFolder(from)} may import only ${[MAY_IMPORT[topFolder(from) as Folder]].flat().join(", ")})`);
  if (verdict.offending.length > 0 || violations.length > 0) {
    console.error(`check-layers: ${verdict.offending.length} import cycle(s), ${violations.length} layer violation(s)`);
    process.exitCode = 1;
    return;
  }
  const edges = [...graph.values()].reduce((n, targets) => n + targets.length, 0);
  console.log(`check-layers: OK, ${graph.size} files, ${edges} imports, no cycles${verdict.allowed.length > 0 ? ` beyond ${verdict.allowed.length} known` : ""}, no arrows against cli → server → grader → exercises → reference (web apart from server)`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();

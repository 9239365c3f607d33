// `npm run build [-- --outdir DIR]`: the production build under dist/ (or DIR). Every module of the
// service, CLI and grader is compiled one to one (same folders, .ts imports rewritten to .js, every
// package left external), so each file's import.meta.url still finds what lies beside it: the
// sandbox worker and the type-check thread are files of their own, which pool.ts and
// typecheck-thread.ts start by path. The web page is bundled and gzipped once, here. The stamp is
// written last: scripts/start.sh rebuilds when it is missing or older than any source file.
import { cp, mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { build, type Plugin } from "esbuild";
import { buildWebAssets, writeWebAssets } from "../web/build.ts";

export const BUILD_STAMP = ".build-stamp";
const root = resolve(import.meta.dirname, "..");
/** The folders compiled; web/src is the browser page, bundled separately. */
const SOURCE_DIRS = ["reference", "exercises", "grader", "server", "cli", "web"];
/** Read as text at run time, beside the module that reads them (see exercises/lib/snippets.ts, grader/typecheck.ts). */
const DATA_FILES = [/^exercises\/[^/]+\/(starter\.ts|solution\.ts|description\.md)$/, /^grader\/np\/np\.d\.ts$/];
/** Bundled by the sandbox worker into each isolate from their TypeScript source (grader/sandbox/bundles.ts). */
const ISOLATE_ENTRIES = ["grader/sandbox/prelude.ts", "grader/np/index.ts"];

const isModule = (path: string) =>
  path.endsWith(".ts") && !path.endsWith(".test.ts") && !path.endsWith(".testkit.ts") && !path.endsWith(".d.ts") && !path.startsWith("web/src/") && !DATA_FILES.some((re) => re.test(path));

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(join(root, dir), { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)).split("\\").join("/"));
}

/** Keeps every import as written, except that a relative .ts import names the compiled .js. */
const rewriteImports: Plugin = {
  name: "one-to-one",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      const relativeTs = args.path.startsWith(".") && args.path.endsWith(".ts");
      return { path: relativeTs ? `${args.path.slice(0, -3)}.js` : args.path, external: true };
    });
  },
};

async function copyAll(files: Iterable<string>, outdir: string): Promise<void> {
  for (const file of files) {
    await mkdir(dirname(join(outdir, file)), { recursive: true });
    await cp(join(root, file), join(outdir, file));
  }
}

export async function buildDist(outdir: string): Promise<void> {
  const started = performance.now();
  await rm(outdir, { recursive: true, force: true });
  const files = (await Promise.all(SOURCE_DIRS.map(filesUnder))).flat();
  await build({
    absWorkingDir: root,
    entryPoints: files.filter(isModule),
    outbase: root,
    outdir,
    bundle: true,
    plugins: [rewriteImports],
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "warning",
  });
  // What the isolates run is bundled from source in the worker; copy exactly the files those bundles read.
  const isolateInputs = await build({ absWorkingDir: root, entryPoints: ISOLATE_ENTRIES, bundle: true, write: false, metafile: true, outdir: "/unused", platform: "neutral", logLevel: "silent" });
  await copyAll(new Set([...files.filter((f) => DATA_FILES.some((re) => re.test(f))), ...Object.keys(isolateInputs.metafile.inputs)]), outdir);
  await writeWebAssets(await buildWebAssets(), join(outdir, "web"));
  await writeFile(join(outdir, "package.json"), `${JSON.stringify({ type: "module", private: true })}\n`);
  await writeFile(join(outdir, BUILD_STAMP), `${new Date().toISOString()}\n`);
  console.log(`built ${relative(process.cwd(), outdir) || "."} in ${Math.round(performance.now() - started)} ms`);
}

if (import.meta.filename === process.argv[1] || import.meta.filename === resolve(process.argv[1] ?? "")) {
  const { values } = parseArgs({ options: { outdir: { type: "string", default: join(root, "dist") } } });
  await buildDist(resolve(values.outdir));
}

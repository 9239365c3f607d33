import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

export interface WebAsset {
  readonly body: Uint8Array;
  /** Compressed once at build time: the script is mostly CodeMirror, about 550 KB raw. */
  readonly gzipped: Uint8Array;
  readonly contentType: string;
}

/** The page as served: its HTML and every asset it references, keyed by URL path. */
export interface WebAssets {
  readonly indexHtml: string;
  readonly files: ReadonlyMap<string, WebAsset>;
}

const CONTENT_TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
};

const webDir = fileURLToPath(new URL(".", import.meta.url));

/**
 * Bundles the page in memory (how the service runs from source, and what `npm run build` writes
 * out). Asset names carry a content hash, which lets the plugin cache them forever.
 */
export async function buildWebAssets(options: { minify?: boolean } = {}): Promise<WebAssets> {
  // Loaded only here: the service running from dist/ reads the prebuilt page and never bundles.
  const { build } = await import("esbuild");
  const result = await build({
    absWorkingDir: webDir,
    entryPoints: ["src/main.ts"],
    bundle: true,
    write: false,
    outdir: "/assets",
    entryNames: "app-[hash]",
    format: "esm",
    platform: "browser",
    target: ["chrome110", "firefox115", "safari16"],
    minify: options.minify ?? true,
    legalComments: "eof",
    logLevel: "silent",
  });
  const files = new Map<string, WebAsset>();
  for (const file of result.outputFiles) {
    const name = basename(file.path);
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) throw new Error(`web build produced an unexpected file: ${name}`);
    files.set(`/assets/${name}`, { body: file.contents, gzipped: gzipSync(file.contents, { level: 9 }), contentType });
  }
  const script = [...files.keys()].find((path) => path.endsWith(".js"));
  const stylesheet = [...files.keys()].find((path) => path.endsWith(".css"));
  if (!script || !stylesheet) throw new Error("web build produced no script or no stylesheet");
  const template = await readFile(new URL("./index.html", import.meta.url), "utf8");
  const indexHtml = template.replace("{{script}}", script).replace("{{stylesheet}}", stylesheet);
  return { indexHtml, files };
}

const INDEX_FILE = "index.html";
const ASSETS_DIR = "assets";

/** `npm run build`: the page and its assets (each also gzipped) under dir, read back by readBuiltWebAssets. */
export async function writeWebAssets(assets: WebAssets, dir: string): Promise<void> {
  await mkdir(join(dir, ASSETS_DIR), { recursive: true });
  await writeFile(join(dir, INDEX_FILE), assets.indexHtml);
  for (const [path, asset] of assets.files) {
    const file = join(dir, ASSETS_DIR, basename(path));
    await writeFile(file, asset.body);
    await writeFile(`${file}.gz`, asset.gzipped);
  }
}

export async function readBuiltWebAssets(dir: string): Promise<WebAssets> {
  const files = new Map<string, WebAsset>();
  for (const name of await readdir(join(dir, ASSETS_DIR))) {
    const contentType = CONTENT_TYPES[extname(name)];
    if (!contentType) continue;
    const file = join(dir, ASSETS_DIR, name);
    const [body, gzipped] = await Promise.all([readFile(file), readFile(`${file}.gz`)]);
    files.set(`/${ASSETS_DIR}/${name}`, { body, gzipped, contentType });
  }
  return { indexHtml: await readFile(join(dir, INDEX_FILE), "utf8"), files };
}

/**
 * The page the service serves: bundled in memory when it runs from source, so a fresh clone needs
 * no build step; from dist/ (this file compiled to .js) what `npm run build` wrote beside it.
 */
export function webAssets(): Promise<WebAssets> {
  return import.meta.url.endsWith(".ts") ? buildWebAssets() : readBuiltWebAssets(webDir);
}

import { readFile } from "node:fs/promises";
import { basename, extname } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

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
  ".map": "application/json; charset=utf-8",
};

const webDir = fileURLToPath(new URL(".", import.meta.url));

/**
 * Bundles the page in memory (no dist/ folder, so `npm start` on a fresh clone needs no build step).
 * Asset names carry a content hash, which lets the plugin cache them forever.
 */
export async function buildWebAssets(options: { minify?: boolean } = {}): Promise<WebAssets> {
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

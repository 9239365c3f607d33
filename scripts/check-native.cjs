// Proves the native modules load under the node running this script: `node scripts/check-native.cjs`
// (.ci/run, the Dockerfile) fails if they do not; with --repair (npm test, npm start) it first
// rebuilds them for this node. That is the README path on a machine whose own node is older than
// 22: `npm install` ran there (isolated-vm, optional, failed to build and was skipped;
// better-sqlite3 was built for the old ABI), then scripts/node-env.sh switched to Node 24.
// The check runs in a child started with --no-node-snapshot, as isolated-vm's README asks, so a
// module that crashes the process is reported instead of taking this script down.
"use strict";
const { spawnSync } = require("node:child_process");
const { join } = require("node:path");

const root = join(__dirname, "..");

const CHECK = `
  const failures = [];
  const check = (name, prove) => { try { prove(); } catch (error) { failures.push(name + ": " + String(error && error.message || error).split("\\n")[0]); } };
  check("isolated-vm", () => {
    const ivm = require("isolated-vm");
    const iso = new ivm.Isolate({ memoryLimit: 16 });
    if (iso.compileScriptSync("6*7").runSync(iso.createContextSync()) !== 42) throw new Error("6*7 is not 42");
    iso.dispose();
  });
  check("better-sqlite3", () => {
    const Db = require("better-sqlite3");
    if (new Db(":memory:").prepare("select 42 as x").get().x !== 42) throw new Error("select 42 is not 42");
  });
  check("esbuild", () => { require("esbuild").transformSync("const x: number = 1", { loader: "ts" }); });
  check("tree-sitter (similarity)", () => {
    const Parser = require("tree-sitter");
    const parser = new Parser();
    parser.setLanguage(require("@dodona/dolos-parsers").typescript);
    if (parser.parse("const x: number = 1;").rootNode.type !== "program") throw new Error("the TypeScript parser did not parse");
  });
  if (failures.length > 0) { console.error(failures.join("\\n")); process.exit(1); }
`;

/** null when every module loads, else what failed (a crash of the child counts). */
function failures() {
  const r = spawnSync(process.execPath, ["--no-node-snapshot", "-e", CHECK], { cwd: root, encoding: "utf8" });
  if (r.status === 0) return null;
  return (r.stderr || "").trim() || `the check process ended with ${r.signal ?? `exit code ${r.status}`}`;
}

function npm(args) {
  console.error(`check-native: npm ${args.join(" ")}`);
  const r = spawnSync("npm", args, { cwd: root, stdio: ["ignore", "inherit", "inherit"] });
  return r.status === 0;
}

const node = `node ${process.version}`;
let failed = failures();
if (failed !== null && process.argv.includes("--repair")) {
  console.error(`check-native: the native modules do not load under ${node} (installed under another node?):\n${failed}\ncheck-native: rebuilding them for ${node}`);
  // install brings back an optional module that was skipped (isolated-vm); rebuild redoes the install
  // scripts of one that is present but was built for another node.
  for (const args of [["install", "--no-audit", "--no-fund"], ["rebuild", "isolated-vm", "better-sqlite3", "tree-sitter", "tree-sitter-compat", "@dodona/dolos-parsers"]]) {
    if (!npm(args)) break;
    failed = failures();
    if (failed === null) break;
  }
}
if (failed !== null) {
  console.error(`check-native: the native modules do not load under ${node}:\n${failed}\n` +
    "They need Node.js 22 or 24 with python3, make and g++ (for the builds), installed with that node first on PATH: " +
    "source scripts/node-env.sh && npm ci");
  process.exit(1);
}
console.log(`native modules load under ${node}: isolated-vm, better-sqlite3, esbuild, tree-sitter`);

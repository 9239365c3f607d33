import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { solutionModule } from "../exercises/index.ts";
import { client, KEYS, startServerProcess, stopProcesses, tempDataDir, type ServerProcess } from "./helpers/server.ts";

/**
 * The production build: `scripts/build.ts --outdir` into a scratch folder (whose node_modules is a
 * link to the repository's, as an installed copy would have), then the service from the compiled
 * files alone, grading through the compiled sandbox worker and type-check thread.
 */
const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), "autograde-build-"));
const dist = join(scratch, "dist");
const data = tempDataDir();
let server: ServerProcess;

beforeAll(async () => {
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir");
  execFileSync(process.execPath, ["--import", "tsx", "scripts/build.ts", "--outdir", dist], { cwd: repoRoot, stdio: "pipe" });
  server = await startServerProcess(data.dir, { AUTOGRADE_TYPECHECK: "true" }, { args: ["--no-node-snapshot", "dist/server/main.js"], cwd: scratch });
}, 60_000);

afterAll(async () => {
  if (server) await stopProcesses([server]);
  data.remove();
  rmSync(scratch, { recursive: true, force: true });
});

describe("npm run build", () => {
  it("writes JavaScript modules, the worker entries, the prebuilt page and its stamp", () => {
    for (const file of ["server/main.js", "cli/main.js", "grader/sandbox/worker.js", "grader/typecheck-worker.js", "web/index.html", ".build-stamp"]) {
      expect(existsSync(join(dist, file)), file).toBe(true);
    }
    expect(readFileSync(join(dist, "server/main.js"), "utf8")).not.toMatch(/from "\.[^"]*\.ts"/);
  });

  it("the compiled server answers /readyz and serves the page bundled at build time", async () => {
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const page = await (await fetch(`${server.url}/`)).text();
    const script = /src="(\/assets\/app-[^"]+\.js)"/.exec(page)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${server.url}${script!}`, { headers: { "accept-encoding": "gzip" } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-encoding")).toBe("gzip");
  });

  it("grades a submission over HTTP in the compiled sandbox worker, with the compiled type checker", async () => {
    const source = `${solutionModule(["zero_pad"])}\nconst typo: number = "not a number";\n`;
    const r = await client(server.url, KEYS.staff).post("/v1/submissions?wait=true", { source, exercises: ["zero_pad"] });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "graded", score: 10, maxScore: 10 });
    expect(JSON.stringify((r.json.report as { diagnostics: unknown[] }).diagnostics)).toMatch(/not assignable to type 'number'/);
    const workers = execFileSync("ps", ["-o", "args=", "--ppid", String(server.child.pid)], { encoding: "utf8" });
    expect(workers).toContain(join(dist, "grader/sandbox/worker.js"));
    expect(workers).not.toMatch(/tsx/);
  });
});

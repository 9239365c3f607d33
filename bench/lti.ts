import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { exercises, solutionModule } from "../exercises/index.ts";
import { createGrader } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import { loadServerConfig } from "../server/config.ts";
import { startService } from "../server/service.ts";
import { startTestPlatform } from "../tests/helpers/lti-platform.ts";
import { createLtiBrowser } from "./lib/lti-browser.ts";
import { createScratchDatabase } from "./lib/scratch-database.ts";
import { recordScoreArrivals } from "./lib/score-arrivals.ts";
import { formatTable, summarize, type Summary } from "./lib/stats.ts";

/**
 * LTI 1.3 costs against the real local platform, each as a ratio to a baseline measured in the
 * same run, interleaved with it so machine noise hits both alike:
 *  1. a full launch (GET /lti/login -> platform /auth -> POST /lti/launch) vs one authenticated
 *     GET /v1/me (API key), and the tool's share of the launch (login + launch handlers);
 *  2. GET /.well-known/jwks.json vs the same baseline;
 *  3. grade passback: from the ?wait=true 200 to the score accepted by the platform, vs the
 *     grading's own reply time (negative: the score arrived before the reply);
 *  4. GET /v1/me with an LTI launch token vs with an API key.
 * Usage: npm run bench -- lti [--launches N] [--students M] [--postgres ADMIN_URL]
 * --postgres runs on a scratch database created on that server (its user may CREATE DATABASE).
 */
const STAFF_SECRET = "bench-staff-secret-0123456789";
const STUDENT_SECRET = "bench-student-secret-0123456789";
const WARMUP_ROUNDS = 10;

function option(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function countOption(args: readonly string[], name: string, fallback: number): number {
  const raw = option(args, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return value;
}

async function timed(run: () => Promise<void>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

async function getJson(url: string, what: string, bearer?: string): Promise<unknown> {
  const response = await fetch(url, bearer ? { headers: { authorization: `Bearer ${bearer}` } } : {});
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${what} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as unknown;
}

const ms = (value: number) => (Number.isNaN(value) ? "-" : value.toFixed(2));
const ratio = (value: number, base: number) => (value / base).toFixed(2);
const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(" ");

export default async function bench(args: readonly string[] = []): Promise<void> {
  const launchCount = countOption(args, "--launches", 200);
  const studentCount = countOption(args, "--students", 20);
  const postgresAdminUrl = option(args, "--postgres");
  const dataDir = mkdtempSync(join(tmpdir(), "autograde-bench-lti-"));
  const database = postgresAdminUrl ? await createScratchDatabase(postgresAdminUrl) : null;
  // Storage is chosen by the flag alone, never by a DATABASE_URL left in the shell.
  const { DATABASE_URL: _ignored, ...env } = process.env;
  const config = loadServerConfig({
    ...env,
    PORT: "0",
    HOST: "127.0.0.1",
    AUTOGRADE_DATA_DIR: dataDir,
    AUTOGRADE_LOG_LEVEL: "warn",
    AUTOGRADE_API_KEYS: `staff:bench-staff:${STAFF_SECRET},student:bench-student:${STUDENT_SECRET}`,
    AUTOGRADE_RATE_LIMIT_PER_MINUTE: "1000000",
    AUTOGRADE_MAX_QUEUE_DEPTH: "100000",
    ...(database ? { DATABASE_URL: database.url } : {}),
  });
  const log = pino({ level: "warn" });
  const pool = createSandboxPool({ size: config.grader.poolSize, sandboxMemoryMb: config.grader.sandboxMemoryMb, maxOutputElements: config.grader.maxOutputElements, log });
  const grader = createGrader({ pool, exercises, log, config: config.grader });
  const scoreArrivals = recordScoreArrivals();
  const loadAtStart = loadAverage();
  let service: Awaited<ReturnType<typeof startService>> | null = null;
  let platform: Awaited<ReturnType<typeof startTestPlatform>> | null = null;

  try {
    // The bench closes the pool itself, after the service has stopped.
    service = await startService({
      config, log, grader, exercises, closeGrader: async () => {}, workerRestarts: () => pool.stats().restarts, fetchImpl: scoreArrivals.fetchImpl,
    });
    const toolUrl = service.url!;
    platform = await startTestPlatform({ toolJwksUrl: `${toolUrl}/.well-known/jwks.json`, redirectUris: [`${toolUrl}/lti/launch`] });
    const registered = await fetch(`${toolUrl}/v1/lti/registrations`, {
      method: "POST",
      headers: { authorization: `Bearer ${STAFF_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify(platform.registration),
    });
    if (registered.status !== 201) throw new Error(`registering the platform answered ${registered.status}: ${await registered.text()}`);
    const browser = createLtiBrowser({ toolUrl, platform });
    const ltiPlatform = platform;

    // --- Figures 1, 2 and 4: one of each request per round, the starting kind rotating. ---
    const sessionToken = (await browser.launch("bench-session-user", platform.launchClaims({ sub: "bench-session-user" }))).token;
    const samples = { launch: [] as number[], tool: [] as number[], auth: [] as number[], share: [] as number[], meApiKey: [] as number[], meLti: [] as number[], jwks: [] as number[] };
    const round = (i: number, record: boolean) => [
      async () => {
        const user = `bench-user-${record ? i : `warm-${i}`}`;
        const l = await browser.launch(user, ltiPlatform.launchClaims({ sub: user }));
        if (!record) return;
        const total = l.loginMs + l.authMs + l.launchMs;
        samples.launch.push(total);
        samples.tool.push(l.loginMs + l.launchMs);
        samples.auth.push(l.authMs);
        samples.share.push((l.loginMs + l.launchMs) / total);
      },
      async () => {
        const t = await timed(async () => void (await getJson(`${toolUrl}/v1/me`, "GET /v1/me (API key)", STUDENT_SECRET)));
        if (record) samples.meApiKey.push(t);
      },
      async () => {
        const t = await timed(async () => void (await getJson(`${toolUrl}/.well-known/jwks.json`, "GET /.well-known/jwks.json")));
        if (record) samples.jwks.push(t);
      },
      async () => {
        const t = await timed(async () => {
          const me = (await getJson(`${toolUrl}/v1/me`, "GET /v1/me (LTI token)", sessionToken)) as { role?: unknown };
          if (me.role !== "student") throw new Error(`the LTI session answered role ${JSON.stringify(me.role)}`);
        });
        if (record) samples.meLti.push(t);
      },
    ];
    for (let i = 0; i < WARMUP_ROUNDS + launchCount; i++) {
      const record = i >= WARMUP_ROUNDS;
      const steps = round(i - WARMUP_ROUNDS, record);
      for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length]!();
    }

    // --- Figure 3: one line item by deep linking, then each student submits in turn. ---
    await browser.deepLink("distribute_value");
    if (platform.lineItems.length !== 1) throw new Error(`deep linking created ${platform.lineItems.length} line items, expected 1`);
    const source = solutionModule(["distribute_value"]);
    const scoreMaximum = platform.lineItems[0]!.scoreMaximum;
    const subs = ["bench-student-warm", ...Array.from({ length: studentCount }, (_, i) => `bench-student-${i}`)];
    const tokens = new Map<string, string>();
    for (const sub of subs) tokens.set(sub, (await browser.launch(sub, platform.resourceLinkClaims(0, { sub }))).token);
    const replies: number[] = [];
    const passbacks: number[] = [];
    let firstPassback = NaN;
    for (const sub of subs) {
      const posted = performance.now();
      const response = await fetch(`${toolUrl}/v1/submissions?wait=true`, {
        method: "POST",
        headers: { authorization: `Bearer ${tokens.get(sub)}`, "content-type": "application/json" },
        // Unique text per student, as real submissions are, so nothing can be served from a cache.
        body: JSON.stringify({ source: `${source}\n// ${sub}\n`, exercises: ["distribute_value"] }),
      });
      const body = (await response.json()) as { report?: { score?: unknown } };
      const replied = performance.now();
      if (response.status !== 200 || body.report?.score !== scoreMaximum) {
        throw new Error(`${sub}'s submission answered ${response.status} with score ${JSON.stringify(body.report?.score)}, expected ${scoreMaximum}`);
      }
      const passback = (await scoreArrivals.arrivedAt(sub)) - replied;
      if (sub === subs[0]) {
        firstPassback = passback;
        continue;
      }
      replies.push(replied - posted);
      passbacks.push(passback);
    }
    const received = platform.scores.filter((s) => (s.body as { scoreGiven?: unknown }).scoreGiven === scoreMaximum).length;
    if (received !== subs.length) throw new Error(`the platform holds ${received} full scores, expected ${subs.length}`);

    const launch = summarize(samples.launch);
    const tool = summarize(samples.tool);
    const auth = summarize(samples.auth);
    const share = summarize(samples.share);
    const meApiKey = summarize(samples.meApiKey);
    const meLti = summarize(samples.meLti);
    const jwks = summarize(samples.jwks);
    const reply = summarize(replies);
    const passback = summarize(passbacks);
    const row = (name: string, s: Summary, base: Summary, baseName: string) => [name, String(s.n), ms(s.p50), ms(s.p95), baseName, ms(base.p50), ratio(s.p50, base.p50), ratio(s.p95, base.p95)];
    const table = formatTable(
      ["figure", "n", "p50 ms", "p95 ms", "baseline", "base p50", "ratio p50", "ratio p95"],
      [
        row("launch (3 round trips)", launch, meApiKey, "me/key"),
        row("  tool: login + launch", tool, meApiKey, "me/key"),
        row("  platform /auth", auth, meApiKey, "me/key"),
        row("jwks.json", jwks, meApiKey, "me/key"),
        row("me, LTI token", meLti, meApiKey, "me/key"),
        row("me, API key", meApiKey, meApiKey, "me/key"),
        row("passback after reply", passback, reply, "reply"),
        row("submit ?wait=true reply", reply, reply, "reply"),
      ],
    );
    process.stdout.write(
      [
        `lti bench: storage=${database ? "postgres (scratch database)" : "sqlite"}, launches=${launchCount} (+${WARMUP_ROUNDS} warm-up), students=${studentCount} (+1 warm-up), poolSize=${config.grader.poolSize}, typecheck=${config.grader.typecheck}`,
        `baselines measured interleaved in this run: me/key = GET /v1/me with an API key; reply = POST /v1/submissions?wait=true until its 200 (distribute_value model solution)`,
        table,
        "",
        `1. launch: p50 ${ms(launch.p50)} ms = ${ratio(launch.p50, meApiKey.p50)}x an authenticated GET /v1/me; tool side (login + launch) p50 ${ms(tool.p50)} ms = ${ratio(tool.p50, meApiKey.p50)}x, a median ${(share.p50 * 100).toFixed(0)}% of each launch (the rest is the platform's /auth)`,
        `2. jwks: p50 ${ms(jwks.p50)} ms = ${ratio(jwks.p50, meApiKey.p50)}x GET /v1/me`,
        `3. passback: score at the platform p50 ${ms(passback.p50)} ms / p95 ${ms(passback.p95)} ms after the 200 = ${ratio(passback.p50, reply.p50)}x of the grading reply time (p50 ${ms(reply.p50)} ms); first publication (with the AGS token request) ${ms(firstPassback)} ms`,
        `4. sessions: GET /v1/me with an LTI token p50 ${ms(meLti.p50)} ms = ${ratio(meLti.p50, meApiKey.p50)}x with an API key`,
        `load average: ${loadAtStart} at start, ${loadAverage()} at end`,
        "",
      ].join("\n"),
    );
  } finally {
    await service?.stop();
    await platform?.close();
    // The grader's type-check thread would keep the process alive after the bench.
    await Promise.all([pool.close(1000), grader.close()]);
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await bench(process.argv.slice(2));
}

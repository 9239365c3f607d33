import { readdirSync } from "node:fs";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { EXERCISE_IDS, exercises as catalogue, solutionModule } from "../exercises/index.ts";
import { createGrader, parseGraderConfig, SubmissionRejectedError, type Grader, type Report } from "../grader/index.ts";
import { createSandboxPool } from "../grader/sandbox/pool.ts";
import type { SandboxPool } from "../grader/sandbox/protocol.ts";
import {
  compileError,
  expectation,
  expectHeapBelowMb,
  expectReportMatches,
  failedWith,
  gradedExercises,
  missing,
  passed,
  readCorpusFile,
  replacing,
  unexportedSolution,
  type HostileCase,
} from "./hostile/harness.ts";

// Small limits keep hostile cases cheap: a loop costs one case timeout, an exercise at most its deadline.
const config = parseGraderConfig({
  poolSize: 2,
  sandboxMemoryMb: 64,
  sandboxTimeoutMs: 1000,
  exerciseDeadlineMs: 4000,
  submissionDeadlineMs: 30_000,
  maxSourceBytes: 64 * 1024,
  maxOutputElements: 1_000_000,
  typecheck: true,
});
const caseTimeLimitMs = 1000;
const limits = { maxSourceBytes: config.maxSourceBytes };

const corpus: readonly HostileCase[] = [
  {
    file: "01-syntax-error.ts",
    expect: { zero_pad: compileError, distribute_value: compileError },
    diagnostic: { marker: "padded = padded.copy(); // SYNTAX-ERROR-HERE", messageMatches: /padded/, exactColumn: true },
  },
  { file: "02-import-node-fs.ts", expect: { zero_pad: compileError }, diagnostic: { marker: 'import fs from "node:fs"', messageMatches: /node:fs/ } },
  { file: "03-require.ts", expect: { zero_pad: compileError }, diagnostic: { marker: 'require("child_process")', messageMatches: /require/ } },
  { file: "04-dynamic-import.ts", expect: { zero_pad: compileError }, diagnostic: { marker: 'import("node:fs")', messageMatches: /import/ } },
  {
    file: "05-source-over-cap.ts",
    assemble: (text, { maxSourceBytes }) => `${text}\n// ${"x".repeat(maxSourceBytes)}\n`,
    exercises: ["distribute_value"],
    rejects: /bytes.*limit/,
  },
  {
    file: "06-module-throws.ts",
    expect: { zero_pad: failedWith(["error"], /module refuses to load/), distribute_value: failedWith(["error"], /module refuses to load/) },
  },
  // The contract maps a module that fails to evaluate to `error` cases; a dead worker's cases may come back as its limit instead.
  { file: "07-module-loops.ts", expect: { zero_pad: failedWith(["error", "timeout"]), distribute_value: failedWith(["error", "timeout"]) } },
  {
    file: "08-module-exhausts-memory.ts",
    expect: { zero_pad: failedWith(["error", "memory_limit"], /memory/i), distribute_value: failedWith(["error", "memory_limit"], /memory/i) },
  },
  { file: "09-loop-sync.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["timeout"]), zero_pad: passed } },
  { file: "10-loop-microtask.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["timeout"]), zero_pad: passed } },
  // A Promise is not an answer; the contract allows reporting it as a bad output (wrong) or a thrown error.
  {
    file: "11-never-settling-promise.ts",
    assemble: replacing("distribute_value"),
    expect: { distribute_value: failedWith(["wrong", "error"], /promise/i), zero_pad: passed },
  },
  {
    file: "12-async-function.ts",
    assemble: replacing("distribute_value"),
    expect: { distribute_value: failedWith(["wrong", "error"], /promise/i), zero_pad: passed },
  },
  { file: "13-deep-recursion.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error"], /call stack/i), zero_pad: passed } },
  { file: "14-throw-null.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error"], /null/), zero_pad: passed } },
  {
    file: "15-throw-symbol.ts",
    assemble: replacing("distribute_value"),
    expect: { distribute_value: failedWith(["error"], /Symbol\(not an error\)/), zero_pad: passed },
  },
  // Printing these thrown values hangs: an "unprintable" error or the case's timeout are both honest.
  { file: "16-throw-object-looping-getter.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error", "timeout"]), zero_pad: passed } },
  { file: "17-error-looping-message.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error", "timeout"]), zero_pad: passed } },
  { file: "18-throw-proxy-looping-traps.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error", "timeout"]), zero_pad: passed } },
  {
    file: "19-return-proxy.ts",
    assemble: replacing("distribute_value", "zero_pad"),
    expect: { distribute_value: failedWith(["wrong", "timeout"]), zero_pad: failedWith(["wrong", "error"]), create_mask_from_window: passed },
  },
  { file: "20-return-function.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["wrong"], /function/i), zero_pad: passed } },
  {
    file: "21-return-getters.ts",
    assemble: replacing("distribute_value", "zero_pad"),
    expect: { distribute_value: failedWith(["wrong", "timeout"]), zero_pad: failedWith(["wrong", "error"]), create_mask_from_window: passed },
  },
  {
    file: "22-huge-claimed-shape.ts",
    assemble: replacing("zero_pad", "distribute_value", "create_mask_from_window"),
    expect: {
      zero_pad: failedWith(["wrong"], /shape/i),
      distribute_value: failedWith(["wrong"], /shape/i),
      create_mask_from_window: failedWith(["wrong"], /shape/i),
      convolve_window: passed,
    },
  },
  {
    file: "23-sparse-array.ts",
    assemble: replacing("distribute_value", "create_mask_from_window"),
    expect: {
      distribute_value: failedWith(["wrong"], /hole|sparse|empty|missing|undefined|not a number/i),
      create_mask_from_window: failedWith(["wrong"], /hole|sparse|empty|missing|undefined|not a number/i),
      zero_pad: passed,
    },
  },
  {
    file: "24-nan-negzero-infinity.ts",
    assemble: replacing("zero_pad", "distribute_value", "convolve_window"),
    expect: { zero_pad: passed, distribute_value: failedWith(["wrong"], /NaN/), convolve_window: failedWith(["wrong"]) },
  },
  // conv_backward is left out: its model solution calls this zero_pad, whose vandalism would be the student's own doing.
  { file: "25-input-mutation.ts", assemble: replacing("zero_pad", "conv_forward"), expect: { zero_pad: passed, conv_forward: passed, distribute_value: passed } },
  {
    file: "26-tamper-in-function.ts",
    assemble: replacing("distribute_value"),
    expect: { distribute_value: passed, zero_pad: passed, create_mask_from_window: passed },
  },
  {
    file: "27-tamper-top-level.ts",
    assemble: replacing(),
    expect: { zero_pad: passed, distribute_value: passed, create_mask_from_window: passed, pool_forward: passed },
  },
  { file: "28-escape-constructor-chain.ts", assemble: replacing("distribute_value"), expect: { distribute_value: passed, zero_pad: passed } },
  { file: "29-escape-global-this.ts", assemble: replacing("distribute_value"), expect: { distribute_value: passed, zero_pad: passed } },
  { file: "30-eval.ts", assemble: replacing("distribute_value"), expect: { distribute_value: failedWith(["error"], /process is not defined/), zero_pad: passed } },
  { file: "31-missing-exports.ts", expect: { zero_pad: missing(/zero_pad/), distribute_value: missing(/distribute_value/) } },
  {
    file: "32-wrong-export-types.ts",
    expect: {
      zero_pad: missing(/function/i),
      distribute_value: missing(/function/i),
      create_mask_from_window: missing(/function/i),
      convolve_window: failedWith(["error"], /class constructor|new/i),
    },
  },
  { file: "33-camel-case-aliases.ts", assemble: unexportedSolution, expect: Object.fromEntries(EXERCISE_IDS.map((id) => [id, passed])) },
  {
    file: "34-array-fill-1e8.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["memory_limit"]), zero_pad: passed, distribute_value: passed },
    killsWorker: true,
  },
  {
    file: "35-growing-string.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["memory_limit"]), zero_pad: passed, distribute_value: passed },
  },
  {
    file: "36-webassembly-memory.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["error"], /WebAssembly/), zero_pad: passed },
  },
  { file: "37-builtins-absent.ts", assemble: replacing("distribute_value"), expect: { distribute_value: passed, zero_pad: passed } },
  {
    file: "38-big-string-shared.ts",
    assemble: replacing("zero_pad", "conv_forward"),
    expect: { zero_pad: failedWith(["wrong"]), conv_forward: failedWith(["wrong"]), distribute_value: passed },
    // Copied out naively the answer is ~5 GB; this process may hold no more than a trace of it.
    check: () => expectHeapBelowMb(512),
  },
  {
    file: "39-ragged-array.ts",
    assemble: replacing("distribute_value", "create_mask_from_window"),
    expect: { distribute_value: failedWith(["wrong"], /ragged/i), create_mask_from_window: failedWith(["wrong"], /ragged/i), zero_pad: passed },
  },
  {
    file: "40-output-over-cap.ts",
    assemble: replacing("distribute_value", "create_mask_from_window", "zero_pad"),
    expect: {
      distribute_value: failedWith(["wrong"], /elements|too large|cap|limit/i),
      create_mask_from_window: failedWith(["wrong"], /elements|too large|cap|limit/i),
      zero_pad: failedWith(["wrong"], /elements|too large|cap|limit/i),
      convolve_window: passed,
    },
  },
  {
    file: "41-huge-typed-array.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: expectation("failed", ["memory_limit", "error"]), zero_pad: passed },
  },
  // A floating rejection is not the answer: grading it as passed, or as an error naming the rejection, are both fair.
  {
    file: "42-unhandled-rejection.ts",
    assemble: replacing("distribute_value"),
    expect: { distribute_value: expectation(["passed", "failed"], ["passed", "error"], /nobody handles this rejection|process is not defined/), zero_pad: passed },
  },
  {
    file: "43-module-unhandled-rejection.ts",
    assemble: replacing(),
    expect: { zero_pad: expectation(["passed", "failed"], ["passed", "error"], /rejected while loading/), distribute_value: expectation(["passed", "failed"], ["passed", "error"], /rejected while loading/) },
  },
  // Text that student code makes is clipped where it is made, and the report stays small.
  {
    file: "44-huge-key.ts",
    assemble: replacing("distribute_value", "create_mask_from_window"),
    expect: {
      distribute_value: failedWith(["wrong"], /k{200}… \[clipped: 6000000 characters\]/),
      create_mask_from_window: failedWith(["wrong"], /^the returned value at \.k{200}… \[clipped: 6000000 characters\] is undefined$/),
      zero_pad: passed,
    },
    check: (report) => expectTextBounded(report, 4200, 64 * 1024),
  },
  {
    file: "45-many-small-axes-printout.ts",
    assemble: replacing("distribute_value", "zero_pad"),
    expect: { distribute_value: failedWith(["error"], /^threw: Error: printed \d{3,4} characters$/), zero_pad: failedWith(["wrong"], /shape/) },
    check: (report) => expectTextBounded(report, 4200, 64 * 1024),
  },
  {
    file: "46-deep-nesting.ts",
    assemble: (text) => replacing("distribute_value")(text.replace("DEEP_ARRAY", `${"[".repeat(1500)}${"]".repeat(1500)}`)),
    expect: { distribute_value: passed, zero_pad: passed },
    check: (report) => expect(report.diagnostics.filter((d) => d.severity === "error")).toEqual([]),
  },
  // Memory that V8 commits outside the isolate's limit: closed in the prelude, and watched from outside the worker.
  {
    file: "50-resizable-arraybuffer.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["error"], /resizable ArrayBuffers/), zero_pad: passed },
  },
  {
    file: "51-resizable-via-intrinsic.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["error"], /resizable ArrayBuffers/), zero_pad: passed },
  },
  {
    file: "52-arraybuffer-transfer.ts",
    assemble: replacing("create_mask_from_window"),
    expect: { create_mask_from_window: failedWith(["error"], /transfer is not a function/), zero_pad: passed },
  },
  // A failure that belongs to one export is not cached as the whole module's.
  {
    file: "53-export-getter-loops.ts",
    assemble: replacing("conv_forward"),
    expect: { conv_forward: failedWith(["error"], /exports took too long/), conv_backward: passed, pool_forward: passed, pool_backward: passed },
  },
  {
    file: "54-export-getter-throws.ts",
    assemble: replacing("pool_forward"),
    expect: { pool_forward: failedWith(["error"], /this getter refuses/), create_mask_from_window: passed, distribute_value: passed, pool_backward: passed },
  },
];

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe("hostile submissions, graded end to end by one real grader", () => {
  let pool: SandboxPool;
  let grader: Grader;

  beforeAll(() => {
    pool = createSandboxPool({
      size: config.poolSize,
      sandboxMemoryMb: config.sandboxMemoryMb,
      maxOutputElements: config.maxOutputElements,
      moduleTimeoutMs: caseTimeLimitMs,
      log: silent,
    });
    const exercises = catalogue.map((e) => ({ ...e, caseTimeLimitMs }));
    grader = createGrader({ pool, exercises, log: silent, config });
  });

  afterAll(async () => {
    await pool?.close(1000);
  });

  // After every hostile case: the same grader and pool still grade a correct answer correctly.
  afterEach(async () => {
    const report = await grader.grade({ source: solutionModule(["zero_pad"]), exercises: ["zero_pad"] });
    expect(report.exercises.map((e) => [e.id, e.status])).toEqual([["zero_pad", "passed"]]);
    expect(report.score).toBe(10);
    expect(pool.stats()).toMatchObject({ size: 2, busy: 0, queued: 0 });
  });

  it("the corpus is what the table says: numbered files, each used once", () => {
    expect(corpus.length).toBeGreaterThanOrEqual(25);
    const files = corpus.map((row) => row.file);
    expect(new Set(files).size).toBe(files.length);
    for (const file of files) expect(file).toMatch(/^\d{2}-[a-z0-9-]+\.ts$/);
    const onDisk = readdirSync(new URL("./hostile/", import.meta.url)).filter((f) => /^\d{2}-/.test(f));
    expect([...files].sort()).toEqual(onDisk.sort());
    // The over-cap case means nothing unless every real answer (with a cache echoing the inputs) fits under the cap.
    const largest = Math.max(
      ...catalogue.flatMap((e) =>
        e.cases.map((c) => {
          const args = c.build();
          return outputElements(args) + outputElements(e.expected(args)[0]?.value);
        }),
      ),
    );
    expect(largest).toBeLessThan(config.maxOutputElements);
  });

  for (const row of corpus) {
    it(row.file, async () => {
      const source = (row.assemble ?? ((text: string) => text))(readCorpusFile(row.file), limits);
      const input = { source, exercises: gradedExercises(row) };
      if (row.rejects) {
        await expect(grader.grade(input)).rejects.toThrow(row.rejects);
        await expect(grader.grade(input)).rejects.toBeInstanceOf(SubmissionRejectedError);
        return;
      }
      const restartsBefore = pool.stats().restarts;
      const report = await grader.grade(input);
      expectReportMatches(row, source, report);
      if (row.killsWorker) expect(pool.stats().restarts).toBeGreaterThan(restartsBefore);
      row.check?.(report);
    });
  }

  it("the full model solution still scores 100 after the whole corpus", async () => {
    const report = await grader.grade({ source: solutionModule() });
    expect(report.exercises.filter((e) => e.status !== "passed").map((e) => e.id)).toEqual([]);
    expect(report.score).toBe(100);
    expectHeapBelowMb(512);
  });
});

/** Every message, printout and diagnostic at most `maxChars` long, and the whole report at most `maxBytes` as JSON. */
function expectTextBounded(report: Report, maxChars: number, maxBytes: number): void {
  const texts = [
    ...report.exercises.flatMap((e) => [e.message ?? "", ...e.cases.flatMap((c) => [c.message, c.printout?.got ?? "", c.printout?.expected ?? ""])]),
    ...report.diagnostics.map((d) => d.message),
  ];
  expect(Math.max(...texts.map((t) => t.length))).toBeLessThanOrEqual(maxChars);
  expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(maxBytes);
}

function outputElements(value: unknown): number {
  if (typeof value === "number" || typeof value === "boolean") return 1;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + outputElements(v), 0);
  if (value && typeof value === "object" && "data" in value) return (value as { data: ArrayLike<number> }).data.length;
  return 0;
}

import { describe, expect, it } from "vitest";
import type { ExerciseId } from "../exercises/types.ts";
import { parseGraderConfig } from "./config.ts";
import { createGrader, isSubmissionRejection, SubmissionRejectedError, UnknownExerciseError, type CompileSubmission, type GraderDeps } from "./index.ts";
import { report as reportSchema } from "./report.ts";
import { fakeExercise, fakePool, fakeRecipe, recordingLog } from "./test-fakes.ts";
import type { TypeChecker } from "./typecheck.ts";

let builds = 0;
const counted = () => void builds++;
const recipes = [fakeRecipe("visible x=[3]", true, [1, 2, 3], counted), fakeRecipe("hidden x=[2]", false, [-1, 4], counted)];
const catalogue = [fakeExercise("zero_pad", 10, recipes), fakeExercise("conv_forward", 20, recipes), fakeExercise("pool_backward", 15, recipes)];

const okCompile: CompileSubmission = (source) => ({ kind: "ok", code: `/*compiled*/${source}`, compileMs: 1.5 });
const noTypes: TypeChecker = { check: () => [] };

function deps(overrides: Partial<GraderDeps> = {}): GraderDeps & { pool: ReturnType<typeof fakePool> } {
  return {
    pool: fakePool(),
    exercises: catalogue,
    log: recordingLog(),
    config: parseGraderConfig({ maxSourceBytes: 100, exerciseDeadlineMs: 5000, submissionDeadlineMs: 9000 }),
    compile: okCompile,
    typeChecker: noTypes,
    ...overrides,
  } as GraderDeps & { pool: ReturnType<typeof fakePool> };
}

describe("createGrader", () => {
  it("grades every exercise in course order with scores, sums and sandbox timings", async () => {
    const d = deps();
    const report = reportSchema.parse(await createGrader(d).grade({ source: "x" }));
    expect(report.exercises.map((e) => [e.id, e.status, e.score])).toEqual([
      ["zero_pad", "passed", 10],
      ["conv_forward", "passed", 20],
      ["pool_backward", "passed", 15],
    ]);
    expect([report.score, report.maxScore]).toEqual([45, 45]);
    expect(report.timings).toMatchObject({ compileMs: 1.5, dispatchMs: 1, isolateMs: 2, runMs: 3 });
    expect(report.exercises[2]?.cases[0]?.variant).toBe("assign");
  });

  it("sends one job with code, export names, arguments and limits, but no expected values", async () => {
    const d = deps();
    await createGrader(d).grade({ source: "src", exercises: ["pool_backward", "zero_pad"] });
    expect(d.pool.jobs).toHaveLength(1);
    const job = d.pool.jobs[0];
    expect(job?.code).toBe("/*compiled*/src");
    expect(job?.deadlineMs).toBe(9000);
    expect(job?.exercises.map((e) => [e.id, e.exportNames, e.deadlineMs, e.cases.map((c) => [c.name, c.timeoutMs])])).toEqual([
      ["zero_pad", ["zero_pad", "zeroPad"], 5000, [["visible x=[3]", 1000], ["hidden x=[2]", 1000]]],
      ["pool_backward", ["pool_backward", "poolBackward"], 5000, [["visible x=[3]", 1000], ["hidden x=[2]", 1000]]],
    ]);
    const firstArg = job?.exercises[0]?.cases[0]?.args[0] as { data: Float64Array };
    expect(Array.from(firstArg.data)).toEqual([1, 2, 3]);
    expect(Object.keys(job?.exercises[0]?.cases[0] ?? {}).sort()).toEqual(["args", "name", "timeoutMs"]);
  });

  it("reports requested exercises only, in course order whatever order was asked", async () => {
    const report = await createGrader(deps()).grade({ source: "x", exercises: ["pool_backward", "zero_pad", "pool_backward"] });
    expect(report.exercises.map((e) => e.id)).toEqual(["zero_pad", "pool_backward"]);
    expect(report.maxScore).toBe(25);
  });

  it("scores partial credit from the sandbox's answers", async () => {
    const d = deps({ pool: fakePool((id: ExerciseId) => (id === "conv_forward" ? 5 : 2)) });
    const report = await createGrader(d).grade({ source: "x" });
    expect(report.exercises.map((e) => e.status)).toEqual(["passed", "failed", "passed"]);
    expect(report.score).toBe(25);
  });

  it("builds arguments and expected values once per grader, not per submission", async () => {
    const grader = createGrader(deps());
    builds = 0;
    await grader.grade({ source: "a" });
    await grader.grade({ source: "b" });
    expect(builds).toBe(catalogue.length * recipes.length);
  });

  it.each([
    ["an id that is not an exercise", "nope"],
    ["an exercise the catalogue lacks", "distribute_value"],
  ])("rejects %s with a typed error", async (_name, id) => {
    const d = deps();
    await expect(createGrader(d).grade({ source: "x", exercises: [id as ExerciseId] })).rejects.toThrow(UnknownExerciseError);
    expect(d.pool.jobs).toHaveLength(0);
  });

  it("refuses a source over maxSourceBytes before compiling", async () => {
    let compiled = false;
    const d = deps({ compile: (s) => ((compiled = true), okCompile(s)) });
    const error = await createGrader(d).grade({ source: "é".repeat(51) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SubmissionRejectedError);
    expect((error as SubmissionRejectedError).message).toBe("the submission is 102 bytes; the limit is 100 bytes");
    expect(compiled).toBe(false);
  });

  it("tells its refusals apart by isSubmissionRejection: the grader's own error classes, not an error that borrows their name", async () => {
    const tooBig = await createGrader(deps()).grade({ source: "x".repeat(101) }).catch((e: unknown) => e);
    const unknown = await createGrader(deps()).grade({ source: "x", exercises: ["nope" as ExerciseId] }).catch((e: unknown) => e);
    expect([tooBig, unknown].map(isSubmissionRejection)).toEqual([true, true]);
    const lookalike = Object.assign(new Error("the submission is 9 bytes; the limit is 4 bytes"), { name: "SubmissionRejectedError" });
    expect([lookalike, new Error("boom"), "SubmissionRejectedError", undefined].map(isSubmissionRejection)).toEqual([false, false, false, false]);
  });

  it("turns a compile error into compile_error for every requested exercise, with diagnostics, without running", async () => {
    const diagnostics = [{ line: 2, column: 5, severity: "error" as const, message: "Expected ';'" }];
    const d = deps({ compile: () => ({ kind: "compile_error", diagnostics }) });
    const report = reportSchema.parse(await createGrader(d).grade({ source: "x", exercises: ["conv_forward"] }));
    expect(report.exercises.map((e) => [e.id, e.status, e.score, e.cases.length])).toEqual([["conv_forward", "compile_error", 0, 2]]);
    expect(report.diagnostics).toEqual(diagnostics);
    expect(d.pool.jobs).toHaveLength(0);
  });

  it("adds type-check warnings, and skips the checker when config.typecheck is false", async () => {
    const warning = { line: 1, column: 1, severity: "warning" as const, message: "Type 'number' is not assignable to type 'string'." };
    let calls = 0;
    const checker: TypeChecker = { check: () => (calls++, [warning]) };
    const on = await createGrader(deps({ typeChecker: checker })).grade({ source: "x" });
    expect(on.diagnostics).toEqual([warning]);
    const off = await createGrader(deps({ typeChecker: checker, config: parseGraderConfig({ typecheck: false }) })).grade({ source: "x" });
    expect(off.diagnostics).toEqual([]);
    expect(calls).toBe(1);
  });

  it("still grades when the type checker itself fails, and logs it", async () => {
    const log = recordingLog();
    const report = await createGrader(deps({ log, typeChecker: { check: () => { throw new Error("checker bug"); } } })).grade({ source: "x" });
    expect(report.score).toBe(45);
    expect(log.warnings).toHaveLength(1);
  });

  it("clips what student code made, even when the sandbox sent it unclipped", async () => {
    const pool = fakePool();
    pool.run = async (job) => ({
      exercises: job.exercises.map((e) => ({ id: e.id, kind: "ran", cases: e.cases.map(() => ({ kind: "threw", message: "m".repeat(1_000_000), durationMs: 1 })) })),
      timings: { dispatchMs: 1, isolateMs: 2, runMs: 3 },
    });
    const warning = { line: 1, column: 1, severity: "warning" as const, message: `Property '${"p".repeat(100_000)}' does not exist.` };
    const report = await createGrader(deps({ pool, typeChecker: { check: () => [warning] } })).grade({ source: "x" });
    const messages = report.exercises.flatMap((e) => e.cases.map((c) => c.message));
    expect(messages).toHaveLength(6);
    for (const m of messages) expect(m).toBe(`threw: ${"m".repeat(4089)}… [clipped: 1000007 characters]`);
    expect(report.diagnostics[0]?.message).toBe(`${warning.message.slice(0, 4096)}… [clipped: ${warning.message.length} characters]`);
  });

  it("cuts a report over maxReportBytes down before returning it, keeping scores and outcomes, and says so", async () => {
    const many = Array.from({ length: 20 }, (_, i) => fakeRecipe(`case ${i}`, i % 2 === 0, [1, 2, 3]));
    const exercises = [fakeExercise("zero_pad", 10, many), fakeExercise("conv_forward", 20, many)];
    const pool = fakePool();
    pool.run = async (job) => ({
      exercises: job.exercises.map((e) => ({
        id: e.id,
        kind: "ran",
        cases: e.cases.map((_, i) => (i < 5 ? { kind: "returned", value: [{ shape: [3], data: Float64Array.of(2, 4, 6) }], durationMs: 1 } : { kind: "threw", message: "x".repeat(10_000), durationMs: 1 })),
      })),
      timings: { dispatchMs: 1, isolateMs: 2, runMs: 3 },
    });
    const config = parseGraderConfig({ maxReportBytes: 65_536 });
    const report = reportSchema.parse(await createGrader(deps({ pool, exercises, config })).grade({ source: "x" }));
    expect(Buffer.byteLength(JSON.stringify(report))).toBeLessThanOrEqual(65_536);
    expect(report.exercises.map((e) => [e.id, e.status, e.score])).toEqual([
      ["zero_pad", "partial", 2.5],
      ["conv_forward", "partial", 5],
    ]);
    expect(report.exercises.flatMap((e) => e.cases.map((c) => c.outcome))).toEqual([...Array(5).fill("passed"), ...Array(15).fill("error"), ...Array(5).fill("passed"), ...Array(15).fill("error")]);
    expect(report.exercises.flatMap((e) => e.cases).some((c) => c.printout !== undefined)).toBe(false);
    expect(report.diagnostics[0]).toMatchObject({ severity: "warning", message: expect.stringMatching(/^the report was \d+ bytes, over the limit of 65536 bytes: printouts, .* were left out$/) });
  });

  it("throws when the sandbox leaves an exercise out (infrastructure fault)", async () => {
    const pool = fakePool();
    const run = pool.run.bind(pool);
    pool.run = async (job) => {
      const result = await run(job);
      return { ...result, exercises: result.exercises.slice(1) };
    };
    await expect(createGrader(deps({ pool })).grade({ source: "x" })).rejects.toThrow(/no result for zero_pad/);
  });

  /** A pool that tells of the first `told` exercises' results one by one (as the sandbox settles them), then answers. */
  function observedPool(told: number, factor?: (id: ExerciseId) => number) {
    const pool = fakePool(factor);
    const run = pool.run.bind(pool);
    pool.run = async (job, onExercise) => {
      const result = await run(job);
      for (const r of result.exercises.slice(0, told)) onExercise?.(r);
      return result;
    };
    return pool;
  }

  it("reports each exercise's progress as the sandbox settles it: the next in order running, the rest waiting", async () => {
    const seen: unknown[] = [];
    const pool = observedPool(3, (id) => (id === "conv_forward" ? 3 : 2));
    const report = await createGrader(deps({ pool })).grade({ source: "x", onProgress: (exercises) => seen.push(exercises.map((e) => [e.id, e.state, e.score, e.maxScore])) });
    expect(seen).toEqual([
      [["zero_pad", "running", undefined, 10], ["conv_forward", "waiting", undefined, 20], ["pool_backward", "waiting", undefined, 15]],
      [["zero_pad", "graded", 10, 10], ["conv_forward", "running", undefined, 20], ["pool_backward", "waiting", undefined, 15]],
      [["zero_pad", "graded", 10, 10], ["conv_forward", "graded", 0, 20], ["pool_backward", "running", undefined, 15]],
      [["zero_pad", "graded", 10, 10], ["conv_forward", "graded", 0, 20], ["pool_backward", "graded", 15, 15]],
    ]);
    // The scores reported on the way are the report's.
    expect(report.exercises.map((e) => e.score)).toEqual([10, 0, 15]);
  });

  it("grades exercises the sandbox did not tell of early, and survives a throwing progress callback, logging it", async () => {
    const log = recordingLog();
    let calls = 0;
    const report = await createGrader(deps({ pool: observedPool(1), log })).grade({
      source: "x",
      exercises: ["zero_pad", "pool_backward"],
      onProgress: () => {
        calls++;
        throw new Error("progress sink broke");
      },
    });
    expect(calls).toBe(2);
    expect(report.exercises.map((e) => [e.id, e.score])).toEqual([["zero_pad", 10], ["pool_backward", 15]]);
    expect(log.warnings).toHaveLength(2);
  });

  it("an early result that fails to score stays inside the grader: the final result is scored, and progress skips it", async () => {
    const pool = fakePool();
    const run = pool.run.bind(pool);
    pool.run = async (job, onExercise) => {
      onExercise?.({ id: "zero_pad", kind: "ran", cases: undefined as never });
      return run(job);
    };
    const seen: number[] = [];
    const report = await createGrader(deps({ pool })).grade({ source: "x", exercises: ["zero_pad"], onProgress: (exercises) => seen.push(exercises.filter((e) => e.state === "graded").length) });
    expect(seen).toEqual([0]);
    expect(report.exercises.map((e) => [e.id, e.score])).toEqual([["zero_pad", 10]]);
  });

  it("does not call onProgress for a source that does not compile", async () => {
    const compile: CompileSubmission = () => ({ kind: "compile_error", diagnostics: [{ line: 1, column: 1, severity: "error", message: "Expected ';'" }] });
    let calls = 0;
    await createGrader(deps({ compile })).grade({ source: "x", onProgress: () => void calls++ });
    expect(calls).toBe(0);
  });
});

describe("parseGraderConfig", () => {
  it("fills defaults with units in the names", () => {
    const c = parseGraderConfig({});
    expect(c).toMatchObject({ sandboxMemoryMb: 128, maxSourceBytes: 262144, maxReportBytes: 1_048_576, typecheck: true });
    expect(c.poolSize).toBeGreaterThanOrEqual(1);
  });
  it.each([
    ["a negative pool size", { poolSize: -1 }, /poolSize/],
    ["a string memory limit", { sandboxMemoryMb: "128" }, /sandboxMemoryMb/],
    ["a fractional timeout", { sandboxTimeoutMs: 1.5 }, /sandboxTimeoutMs/],
    ["a report cap too small for a report's names and outcomes", { maxReportBytes: 1000 }, /maxReportBytes/],
  ])("rejects %s naming the field", (_name, input, field) => {
    expect(() => parseGraderConfig(input)).toThrow(field);
  });
});

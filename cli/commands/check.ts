import { EXERCISE_IDS, exercises, isExerciseId, solutionModule, starterModule, type Exercise, type Value } from "../../exercises/index.ts";
import { compileSubmission } from "../../grader/compile.ts";
import { parseGraderConfig, type GraderConfig } from "../../grader/config.ts";
import { adequacyTable, analyseAdequacy } from "../../grader/adequacy.ts";
import { createExpectedCache } from "../../grader/expected.ts";
import { buildSandboxJob } from "../../grader/index.ts";
import { createLocalGrader, type LocalGrader } from "../../grader/local.ts";
import type { SandboxCaseResult } from "../../grader/sandbox/protocol.ts";
import { createCliLogger, EXIT_FAILED, EXIT_OK, parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde check [--exercise <id> ...]

The staff self-test, against the real sandbox:
  - every model solution scores full marks,
  - every starter scores 0,
  - every case is deterministic: arguments and expected outputs built twice, and the model
    solution's outputs from two sandbox runs, are bit-identical,
  - the hidden cases are adequate: every known mistake fails one, every two mistakes differ on
    a case that catches each, and every hidden case catches a mistake or covers something
    (a stride, pad, edge or shape) no other hidden case does.
Prints each exercise's mistakes x hidden cases table (x: the case catches the mistake).
Shows a line per exercise as it finishes on a terminal; exits 1 on any problem.`;

/** The first place two values differ bit for bit (NaN payloads aside, -0 differs from 0), or undefined. */
export function firstBitDifference(a: unknown, b: unknown, path = ""): string | undefined {
  const at = path || "the value";
  if (ArrayBuffer.isView(a) || ArrayBuffer.isView(b)) {
    if (!ArrayBuffer.isView(a) || !ArrayBuffer.isView(b)) return `${at}: only one is a typed array`;
    const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    if (x.length !== y.length || a.constructor !== b.constructor) return `${at}: different array types or lengths`;
    const i = x.findIndex((byte, k) => byte !== y[k]);
    return i < 0 ? undefined : `${at}: byte ${i} differs`;
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return `${at}: different array lengths`;
    for (let i = 0; i < a.length; i++) {
      const d = firstBitDifference(a[i], b[i], `${path}[${i}]`);
      if (d) return d;
    }
    return undefined;
  }
  if (typeof a === "object" && a !== null && typeof b === "object" && b !== null) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return `${at}: different keys`;
    for (const key of keys) {
      const d = firstBitDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`);
      if (d) return d;
    }
    return undefined;
  }
  const show = (x: unknown) => (Object.is(x, -0) ? "-0" : String(x));
  return Object.is(a, b) ? undefined : `${at}: ${show(a)} vs ${show(b)}`;
}

function returnedValues(results: readonly SandboxCaseResult[], names: readonly string[], problems: string[]): (Value | undefined)[] {
  return results.map((r, i) => {
    if (r.kind === "returned") return r.value;
    problems.push(`model solution, case ${names[i]}: ${r.kind}${"message" in r ? `: ${r.message}` : "reason" in r ? `: ${r.reason}` : ""}`);
    return undefined;
  });
}

export async function checkExercise(exercise: Exercise, local: LocalGrader, config: GraderConfig): Promise<{ problems: string[]; table: string }> {
  const problems: string[] = [];

  // Two independent builds of every case: recipes and reference must be bit-for-bit reproducible.
  const first = createExpectedCache().get(exercise);
  const second = createExpectedCache().get(exercise);
  first.forEach((p, i) => {
    const other = second[i];
    const argsDiff = firstBitDifference(p.args, other?.args, "args");
    const expectedDiff = firstBitDifference(p.expected.map((v) => v.value), other?.expected.map((v) => v.value), "expected");
    if (argsDiff || expectedDiff) problems.push(`case ${p.recipe.name} is not deterministic: ${argsDiff ?? expectedDiff}`);
  });
  // Each mistake's answers go through the hidden cases as a submission making it would.
  const adequacy = analyseAdequacy(exercise, first);
  problems.push(...adequacy.problems);
  const table = adequacyTable(exercise, adequacy);
  return { problems: await checkSandboxed(exercise, local, config, first, problems), table };
}

async function checkSandboxed(
  exercise: Exercise,
  local: LocalGrader,
  config: GraderConfig,
  first: ReturnType<ReturnType<typeof createExpectedCache>["get"]>,
  problems: string[],
): Promise<string[]> {
  const id = exercise.id;

  const solution = await local.grader.grade({ source: solutionModule([id]), exercises: [id] });
  const solved = solution.exercises[0];
  if (!solved || solved.score !== exercise.points) {
    problems.push(`model solution scores ${solved?.score ?? "nothing"}/${exercise.points} (${solved?.status ?? "no report"})`);
    for (const c of solved?.cases.filter((c) => c.outcome !== "passed").slice(0, 3) ?? []) problems.push(`  ${c.name}: ${c.message}`);
  }
  if (solution.diagnostics.some((d) => d.severity === "error")) problems.push(`model solution has compile errors: ${solution.diagnostics[0]?.message}`);

  const starter = await local.grader.grade({ source: starterModule([id]), exercises: [id] });
  const started = starter.exercises[0];
  if (!started || started.score !== 0) problems.push(`starter scores ${started?.score ?? "nothing"} (expected 0, ${started?.status ?? "no report"})`);

  const compiled = compileSubmission(solutionModule([id]), { maxSourceBytes: config.maxSourceBytes });
  if (compiled.kind !== "ok") {
    problems.push(`model solution does not compile (${compiled.kind})`);
    return problems;
  }
  const job = buildSandboxJob(compiled.code, [{ exercise, cases: first }], config);
  const names = first.map((p) => p.recipe.name);
  const runs = [];
  for (let run = 0; run < 2; run++) {
    const result = (await local.pool.run(job)).exercises[0];
    if (result?.kind !== "ran") {
      problems.push(`model solution run ${run + 1}: ${result?.kind ?? "no result"}`);
      return problems;
    }
    runs.push(returnedValues(result.cases, names, problems));
  }
  const [a, b] = runs as [(Value | undefined)[], (Value | undefined)[]];
  a.forEach((value, i) => {
    const d = firstBitDifference(value, b[i], "output");
    if (d) problems.push(`model solution's output for case ${names[i]} differs between two runs: ${d}`);
  });
  return problems;
}

export const command: CliCommand = {
  summary: "staff self-test: solutions full marks, starters 0, every case deterministic",
  usage,
  async run(args, io) {
    const { values } = parseFlags("check", args, { exercise: { type: "string", multiple: true } }, { min: 0, max: 0, name: "" });
    for (const id of values.exercise ?? []) {
      if (!isExerciseId(id)) throw new UsageError(`check: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    }
    const selected = values.exercise ? exercises.filter((e) => values.exercise?.includes(e.id)) : exercises;
    // Type warnings are not part of the self-test; skip the checker's start-up cost.
    const config = parseGraderConfig({ typecheck: false });
    const local = createLocalGrader({ config, log: createCliLogger(io) });
    const startedAt = performance.now();
    let done = 0;
    let results: { exercise: Exercise; problems: string[]; table: string }[];
    try {
      results = await Promise.all(
        selected.map(async (exercise) => {
          const { problems, table } = await checkExercise(exercise, local, config);
          done++;
          if (io.isTTY) write(io.stdout, `[${done}/${selected.length}] ${exercise.id}: ${problems.length === 0 ? "ok" : `${problems.length} problem(s)`}`);
          return { exercise, problems, table };
        }),
      );
    } finally {
      await local.close();
    }
    const lines = results.map(({ exercise, problems, table }) =>
      [
        problems.length === 0
          ? `ok    ${exercise.id} (${exercise.cases.length} cases: solution ${exercise.points}/${exercise.points}, starter 0, deterministic, ${exercise.mistakes.length} mistakes all caught and told apart)`
          : [`FAIL  ${exercise.id}`, ...problems.map((p) => `      ${p}`)].join("\n"),
        table.replace(/^/gm, "      "),
        "",
      ].join("\n"),
    );
    const failed = results.filter((r) => r.problems.length > 0).length;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    lines.push(failed === 0 ? `check passed: ${results.length} exercises in ${seconds} s` : `check FAILED: ${failed} of ${results.length} exercises have problems`);
    write(io.stdout, lines.join("\n"));
    return failed === 0 ? EXIT_OK : EXIT_FAILED;
  },
};

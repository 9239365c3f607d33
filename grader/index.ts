import { exportNames } from "../exercises/index.ts";
import { EXERCISE_IDS, type Exercise, type ExerciseId } from "../exercises/types.ts";
import { catalogueVersion } from "../exercises/lib/version.ts";
import { compileSource, createCachedCompile } from "./compile.ts";
import type { GraderConfig } from "./config.ts";
import { createExpectedCache, type ExpectedCache, type PreparedCase } from "./expected.ts";
import type { Diagnostic, ExerciseReport, Report } from "./report.ts";
import { clipReportText, limitReportSize } from "./report-limit.ts";
import { roundScore } from "./round-score.ts";
import type { SandboxExercise, SandboxExerciseResult, SandboxJob, SandboxPool } from "./sandbox/protocol.ts";
import { compileErrorReport, scoreExercise } from "./score.ts";
import { sourceOverLimit } from "./source-limit.ts";
import type { TypeChecker } from "./typecheck.ts";
import { createThreadedTypeChecker } from "./typecheck-thread.ts";

export { graderConfigSchema, parseGraderConfig, type GraderConfig } from "./config.ts";
export type { Report } from "./report.ts";

/** pino's Logger satisfies this; tests pass a silent one. */
export interface GraderLog {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The compile step after the size check (the grader makes that check before any other work). */
export type CompileSubmission = typeof compileSource;

export interface GraderDeps {
  readonly pool: SandboxPool;
  /** The catalogue, in course order. */
  readonly exercises: readonly Exercise[];
  readonly log: GraderLog;
  readonly config: GraderConfig;
  /** Defaults to the esbuild compile step; tests substitute their own. */
  readonly compile?: CompileSubmission;
  /** Defaults to one TypeScript checker thread per grader (it caches the parsed lib files). */
  readonly typeChecker?: TypeChecker;
}

/** One exercise's place in a grading under way; `score` (the report's, at the exercise's points) once graded. */
export interface ExerciseProgress {
  readonly id: ExerciseId;
  readonly state: "waiting" | "running" | "graded";
  readonly score?: number;
  readonly maxScore: number;
}

export interface GradeInput {
  readonly source: string;
  /** Defaults to every exercise; reported in course order whatever order is given. */
  readonly exercises?: readonly ExerciseId[];
  /**
   * Called with every selected exercise's state when the sandbox starts and again as each exercise is
   * graded (synchronously, on the grading path: keep it cheap). Not called for a source that does not compile.
   */
  readonly onProgress?: (exercises: readonly ExerciseProgress[]) => void;
}

export interface Grader {
  grade(input: GradeInput): Promise<Report>;
}

/** What createGrader returns: closing ends its type-check thread (the pool belongs to whoever made it). */
export interface ClosableGrader extends Grader {
  close(): Promise<void>;
}

/** The source is refused before any work: the service maps it to HTTP 413, the CLI to exit 2. */
export class SubmissionRejectedError extends Error {
  override readonly name = "SubmissionRejectedError";
  constructor(
    readonly bytes: number,
    readonly limitBytes: number,
  ) {
    super(`the submission is ${bytes} bytes; the limit is ${limitBytes} bytes`);
  }
}

/** A requested exercise id that the catalogue does not know (bad input, not a crash). */
export class UnknownExerciseError extends Error {
  override readonly name = "UnknownExerciseError";
  constructor(readonly exerciseId: string) {
    super(`unknown exercise "${exerciseId}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
  }
}

/** The grader refused the submission outright (too big, an unknown exercise): bad input to report, not a failure to retry. */
export function isSubmissionRejection(err: unknown): err is SubmissionRejectedError | UnknownExerciseError {
  return err instanceof SubmissionRejectedError || err instanceof UnknownExerciseError;
}

export interface GradingContext extends GraderDeps {
  readonly compile: CompileSubmission;
  /** Of the whole catalogue the grader was given, whichever exercises a submission selects. */
  readonly catalogueVersion: string;
  readonly expected: ExpectedCache;
  readonly typeChecker: TypeChecker | undefined;
}

export function createGrader(deps: GraderDeps): ClosableGrader {
  const ownChecker = deps.config.typecheck && !deps.typeChecker ? createThreadedTypeChecker({ timeoutMs: deps.config.typecheckTimeoutMs, maxBusyPercent: deps.config.typecheckMaxBusyPercent }) : undefined;
  const context: GradingContext = {
    ...deps,
    compile: deps.compile ?? createCachedCompile(),
    catalogueVersion: catalogueVersion(deps.exercises),
    expected: createExpectedCache(),
    typeChecker: deps.config.typecheck ? (deps.typeChecker ?? ownChecker) : undefined,
  };
  return { grade: (input) => gradeSubmission(context, input), close: async () => ownChecker?.close() };
}

function selectExercises(catalogue: readonly Exercise[], requested: readonly string[] | undefined): Exercise[] {
  if (requested === undefined) return [...catalogue];
  for (const id of requested) {
    if (!catalogue.some((e) => e.id === id)) throw new UnknownExerciseError(id);
  }
  const wanted = new Set(requested);
  return catalogue.filter((e) => wanted.has(e.id));
}

function elapsed(since: number): number {
  return Math.round((performance.now() - since) * 100) / 100;
}

/** The one grading path the service's workers and the CLI share. Student failure comes back in the report. */
export async function gradeSubmission(context: GradingContext, input: GradeInput): Promise<Report> {
  const started = performance.now();
  const { config, log } = context;
  if (typeof input.source !== "string") throw new TypeError("the submission source must be a string");
  const over = sourceOverLimit(input.source, config.maxSourceBytes);
  if (over !== undefined) throw new SubmissionRejectedError(over.bytes, over.limitBytes);
  const selected = selectExercises(context.exercises, input.exercises);
  const prepared = new Map<ExerciseId, readonly PreparedCase[]>(selected.map((e) => [e.id, context.expected.get(e)]));
  const preparedFor = (e: Exercise) => prepared.get(e.id) as readonly PreparedCase[];

  const compileStarted = performance.now();
  const compiled = context.compile(input.source);
  if (compiled.kind === "compile_error") {
    const exercises = selected.map((e) => compileErrorReport(e, preparedFor(e)));
    return bounded(assemble(context.catalogueVersion, exercises, compiled.diagnostics, { totalMs: elapsed(started), compileMs: elapsed(compileStarted) }), config);
  }

  const job = buildSandboxJob(compiled.code, selected.map((e) => ({ exercise: e, cases: preparedFor(e) })), config);
  const spent = { diagnoseMs: 0, compareMs: 0 };
  /** Exercises scored as the sandbox finished them, keyed by the result they were scored from. */
  const early = new Map<ExerciseId, { from: SandboxExerciseResult; report: ExerciseReport }>();
  const score = (e: Exercise, r: SandboxExerciseResult) => {
    const compareStarted = performance.now();
    const exerciseReport = scoreExercise(e, preparedFor(e), r, spent);
    spent.compareMs += performance.now() - compareStarted;
    return exerciseReport;
  };
  const progress = input.onProgress ? progressReporter(selected, input.onProgress, log) : undefined;
  // Runs inside the pool's message handling: a throw here must not escape into it. An exercise that
  // failed to score early is scored again below, where a failure fails the grading as it always has.
  const onExercise = (r: SandboxExerciseResult) => {
    const exercise = selected.find((e) => e.id === r.id);
    if (!exercise || early.has(r.id)) return;
    let exerciseReport: ExerciseReport;
    try {
      exerciseReport = score(exercise, r);
    } catch {
      return;
    }
    early.set(r.id, { from: r, report: exerciseReport });
    progress?.graded(r.id, exerciseReport.score);
  };
  progress?.started();
  // The checker runs in its own thread while the sandbox works in its own processes.
  const [result, { diagnostics, typecheckMs }] = await Promise.all([context.pool.run(job, onExercise), typecheck(context, input.source, selected)]);

  const byId = new Map(result.exercises.map((r) => [r.id, r]));
  const exercises = selected.map((e) => {
    const r = byId.get(e.id);
    if (!r) throw new Error(`the sandbox returned no result for ${e.id}`);
    const scored = early.get(e.id);
    return scored?.from === r ? scored.report : score(e, r);
  });
  const report = assemble(context.catalogueVersion, exercises, diagnostics, {
    totalMs: elapsed(started),
    compileMs: compiled.compileMs,
    typecheckMs,
    ...result.timings,
    compareMs: Math.round(spent.compareMs * 100) / 100,
    diagnoseMs: Math.round(spent.diagnoseMs * 1000) / 1000,
  });
  log.debug({ score: report.score, maxScore: report.maxScore, timings: report.timings }, "graded");
  return bounded(report, config);
}

/**
 * The sandbox runs a submission's exercises one after another in the order given, so the first not
 * yet graded is the one running. A throwing callback is logged, never allowed to fail the grading.
 */
function progressReporter(selected: readonly Exercise[], onProgress: NonNullable<GradeInput["onProgress"]>, log: GraderLog) {
  const scores = new Map<ExerciseId, number>();
  const emit = () => {
    const running = selected.find((e) => !scores.has(e.id))?.id;
    const states = selected.map((e): ExerciseProgress => {
      const score = scores.get(e.id);
      if (score !== undefined) return { id: e.id, state: "graded", score, maxScore: e.points };
      return { id: e.id, state: e.id === running ? "running" : "waiting", maxScore: e.points };
    });
    try {
      onProgress(states);
    } catch (err) {
      log.warn({ err }, "progress callback failed");
    }
  };
  return {
    started: emit,
    graded(id: ExerciseId, score: number) {
      scores.set(id, score);
      emit();
    },
  };
}

/** Here, not in the service, so the CLI's reports and the stored ones obey the same limits. */
function bounded(report: Report, config: Pick<GraderConfig, "maxReportBytes">): Report {
  return limitReportSize(clipReportText(report), config.maxReportBytes);
}

async function typecheck(context: GradingContext, source: string, selected: readonly Exercise[]): Promise<{ diagnostics: Diagnostic[]; typecheckMs: number }> {
  if (!context.typeChecker) return { diagnostics: [], typecheckMs: 0 };
  const started = performance.now();
  try {
    return { diagnostics: await context.typeChecker.check(source, selected), typecheckMs: elapsed(started) };
  } catch (error) {
    // Warnings are a courtesy: a checker failure must not cost the student a grade.
    context.log.warn({ err: error }, "type check failed");
    return { diagnostics: [], typecheckMs: elapsed(started) };
  }
}

/** The sandbox's view of a submission: code, export names, arguments and limits; never expected values. */
export function buildSandboxJob(
  code: string,
  exercises: readonly { readonly exercise: Exercise; readonly cases: readonly PreparedCase[] }[],
  config: Pick<GraderConfig, "sandboxTimeoutMs" | "exerciseDeadlineMs" | "submissionDeadlineMs">,
): SandboxJob {
  return {
    code,
    deadlineMs: config.submissionDeadlineMs,
    exercises: exercises.map(
      ({ exercise, cases }): SandboxExercise => ({
        id: exercise.id,
        exportNames: exportNames(exercise.id),
        deadlineMs: config.exerciseDeadlineMs,
        cases: cases.map((p) => ({
          name: p.recipe.name,
          args: p.args,
          timeoutMs: p.recipe.timeLimitMs ?? (exercise.caseTimeLimitMs > 0 ? exercise.caseTimeLimitMs : config.sandboxTimeoutMs),
        })),
      }),
    ),
  };
}

function assemble(version: string, exercises: ExerciseReport[], diagnostics: readonly Diagnostic[], timings: Partial<Report["timings"]> & { totalMs: number }): Report {
  const sum = (xs: number[]) => roundScore(xs.reduce((a, b) => a + b, 0));
  return {
    catalogueVersion: version,
    score: sum(exercises.map((e) => e.score)),
    maxScore: sum(exercises.map((e) => e.maxScore)),
    exercises,
    diagnostics: [...diagnostics],
    timings: { compileMs: 0, typecheckMs: 0, dispatchMs: 0, isolateMs: 0, runMs: 0, compareMs: 0, ...timings },
  };
}

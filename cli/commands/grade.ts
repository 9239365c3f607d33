import { readFile } from "node:fs/promises";
import { EXERCISE_IDS, isExerciseId, type ExerciseId } from "../../exercises/index.ts";
import { parseGraderConfig } from "../../grader/config.ts";
import { formatters, isReportFormat, REPORT_FORMATS } from "../../grader/formats/index.ts";
import { sourceOverLimit } from "../../grader/source-limit.ts";
import { createCliLogger, EXIT_FAILED, EXIT_OK, parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde grade <file.ts> [--exercise <id> ...] [--format ${REPORT_FORMATS.join("|")}] [--min-score <n>]

Grades one submission (a TypeScript module exporting the exercise functions) in the sandbox.
  --exercise <id>   grade only this exercise (repeatable); default: all of them
  --format <f>      text (default), json (stdout holds only the report), junit (one testcase per
                    case), gradescope (Gradescope's results.json)
  --min-score <n>   exit 1 when the score is below n
Exit codes: 0 graded, 1 graded below --min-score, 2 bad usage or unreadable input.
Exercise ids: ${EXERCISE_IDS.join(", ")}`;

async function readSubmission(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code === "EACCES" ? "permission denied" : (error as Error).message;
    throw new UsageError(`grade: cannot read ${path}: ${why}`);
  }
}

function parseMinScore(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (text.trim() === "" || !Number.isFinite(n) || n < 0) throw new UsageError(`grade: --min-score must be a non-negative number, got "${text}"`);
  return n;
}

export const command: CliCommand = {
  summary: "grade a submission file and print the report",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      "grade",
      args,
      { exercise: { type: "string", multiple: true }, format: { type: "string", default: "text" }, "min-score": { type: "string" } },
      { min: 1, max: 1, name: "the submission file (autograde grade <file.ts>)" },
    );
    const format = values.format ?? "text";
    if (!isReportFormat(format)) throw new UsageError(`grade: unknown format "${format}"; formats: ${REPORT_FORMATS.join(", ")}`);
    const minScore = parseMinScore(values["min-score"]);
    const requested = values.exercise;
    for (const id of requested ?? []) {
      if (!isExerciseId(id)) throw new UsageError(`grade: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    }
    const source = await readSubmission(positionals[0] as string);
    // One submission runs on one worker: a bigger pool would only cost start-up time.
    const config = parseGraderConfig({ poolSize: 1 });
    const over = sourceOverLimit(source, config.maxSourceBytes);
    if (over !== undefined) throw new UsageError(`grade: ${positionals[0]} is ${over.bytes} bytes; the limit is ${over.limitBytes} bytes`);

    // Loaded only now: bad usage is answered without paying for TypeScript, esbuild and the pool.
    const { SubmissionRejectedError, UnknownExerciseError } = await import("../../grader/index.ts");
    const { createLocalGrader } = await import("../../grader/local.ts");
    const local = createLocalGrader({ config, log: createCliLogger(io) });
    let report;
    try {
      report = await local.grader.grade({ source, ...(requested ? { exercises: requested as ExerciseId[] } : {}) });
    } catch (error) {
      if (error instanceof SubmissionRejectedError || error instanceof UnknownExerciseError) throw new UsageError(`grade: ${error.message}`);
      throw error;
    } finally {
      await local.close();
    }
    write(io.stdout, formatters[format](report));
    if (minScore !== undefined && report.score < minScore) {
      write(io.stderr, `autograde: score ${report.score}/${report.maxScore} is below --min-score ${minScore}`);
      return EXIT_FAILED;
    }
    return EXIT_OK;
  },
};

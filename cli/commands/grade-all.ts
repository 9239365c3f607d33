import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { EXERCISE_IDS, exercises as catalogue, isExerciseId } from "../../exercises/index.ts";
import { parseGraderConfig } from "../../grader/config.ts";
import { assignmentBody, assignmentPolicy } from "../../server/policy/index.ts";
import type { AssignmentPolicy } from "../../server/storage/course-types.ts";
import { BatchInputError } from "../batch/entries.ts";
import { applyLatePolicy } from "../batch/lateness.ts";
import { JournalError, openJournal, readJournal } from "../batch/journal.ts";
import { BATCH_LAYOUTS, isBatchLayout, planBatch } from "../batch/layouts.ts";
import { loadEntries } from "../batch/load.ts";
import { isOutputLayout, OUTPUT_LAYOUTS, summary, writeGrades } from "../batch/output.ts";
import { createProgress, progressMode } from "../batch/progress.ts";
import { gradeBatch } from "../batch/run.ts";
import { runSimilarity, sharedCode, similarityFiles } from "../batch/similarity-run.ts";
import { createCliLogger, EXIT_FAILED, EXIT_INTERNAL, EXIT_OK, parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde grade-all <folder | export.zip> [--out DIR] [--layout ${BATCH_LAYOUTS.join("|")}]
                          [--layout-out ${OUTPUT_LAYOUTS.join("|")}] [--jobs N] [--resume] [--strict]
                          [--exercise <id> ...] [--assignment FILE [--use-mtime]]
                          [--similarity [--ignore FILE ...]] [--quiet]

Grades a whole class: an LMS export (zip or unpacked folder) or one .ts file or folder per student.
  --layout <l>      canvas (login_userid_submissionid_file.ts, LATE marked), moodle (Full Name_id_
                    assignsubmission_file_/), gradescope (submission_metadata.yml + submission_<id>/),
                    plain (one .ts file or folder per student); default: detected
  --out <dir>       where grades.csv, journal.jsonl and reports/<student>/ go (default ./autograde-grades)
  --layout-out <l>  grades.csv columns: plain (default: student,score,maxScore,<exercises>,late,status,
                    reason), canvas or moodle (the service's gradebook import layouts; grades-plain.csv
                    is written beside them)
  --jobs <n>        submissions graded at once and sandbox workers (default: cores, at most 8)
  --resume          continue an interrupted run from the journal in --out: nothing graded twice
  --strict          exit 1 when any submission is unreadable
  --exercise <id>   grade only this exercise (repeatable)
  --assignment <f>  a JSON assignment, as PUT /v1/courses/:course/assignments/:id takes it: its
                    exercises (unless --exercise) and its late penalty where the time is known
                    (Gradescope's metadata; the file's time with --use-mtime); after lateUntil: 0
  --use-mtime       take a file's modification time as its submission time
  --similarity      also write similarity.csv and similarity.html (see autograde similarity)
  --ignore <file>   code shared by everyone, left out of similarity (repeatable; the starter always is)
  --quiet           no progress (the summary still goes to stderr)
Exit codes: 0 graded, 1 some submission unreadable with --strict, 2 bad usage or unreadable input,
3 internal error (a submission autograde failed to grade; --resume retries it), 130 interrupted.`;

function parseJobs(text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new UsageError(`grade-all: --jobs must be a whole number from 1 to 64, got "${text}"`);
  return n;
}

/** The assignment file in the service's own schema, so a course's JSON serves both. */
async function readAssignment(file: string, useMtime: boolean): Promise<{ policy: AssignmentPolicy; digest: string; useMtime: boolean }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new UsageError(`grade-all: cannot read --assignment ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`grade-all: --assignment ${file} is not JSON: ${(error as Error).message}`);
  }
  const parsed = assignmentBody.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
    throw new UsageError(`grade-all: --assignment ${file}: ${issues}`);
  }
  // Per-exercise points would rescale every score; grade-all reports the catalogue's points.
  if (parsed.data.points !== undefined) throw new UsageError(`grade-all: --assignment ${file}: points overrides are not applied by grade-all; remove them`);
  const digest = createHash("sha256").update(text).update(useMtime ? "\0mtime" : "").digest("hex");
  return { policy: assignmentPolicy("cli", parsed.data), digest, useMtime };
}

export const command: CliCommand = {
  summary: "grade a class: an LMS export (zip or folder) into grades.csv and reports",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      "grade-all",
      args,
      {
        out: { type: "string", default: "autograde-grades" },
        layout: { type: "string" },
        "layout-out": { type: "string", default: "plain" },
        jobs: { type: "string" },
        resume: { type: "boolean", default: false },
        strict: { type: "boolean", default: false },
        exercise: { type: "string", multiple: true },
        similarity: { type: "boolean", default: false },
        ignore: { type: "string", multiple: true },
        quiet: { type: "boolean", default: false },
        assignment: { type: "string" },
        "use-mtime": { type: "boolean", default: false },
      },
      { min: 1, max: 1, name: "the export to grade (autograde grade-all <folder | export.zip>)" },
    );
    const input = resolve(positionals[0] as string);
    const layout = values.layout;
    if (layout !== undefined && !isBatchLayout(layout)) throw new UsageError(`grade-all: unknown --layout "${layout}"; layouts: ${BATCH_LAYOUTS.join(", ")}`);
    const layoutOut = values["layout-out"] ?? "plain";
    if (!isOutputLayout(layoutOut)) throw new UsageError(`grade-all: unknown --layout-out "${layoutOut}"; layouts: ${OUTPUT_LAYOUTS.join(", ")}`);
    for (const id of values.exercise ?? []) {
      if (!isExerciseId(id)) throw new UsageError(`grade-all: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    }
    if ((values.ignore ?? []).length > 0 && !values.similarity) throw new UsageError("grade-all: --ignore only applies with --similarity");
    if (values["use-mtime"] && values.assignment === undefined) throw new UsageError("grade-all: --use-mtime only applies with --assignment");
    const assignment = values.assignment === undefined ? undefined : await readAssignment(values.assignment, values["use-mtime"] ?? false);
    const requested = new Set(values.exercise ?? assignment?.policy.exercises ?? EXERCISE_IDS);
    const graded = catalogue.filter((e) => requested.has(e.id));
    const jobs = parseJobs(values.jobs, parseGraderConfig().poolSize);
    const shared = values.similarity ? await sharedCode("grade-all", values.ignore ?? []) : [];

    const outDir = resolve(values.out ?? "autograde-grades");
    const journalPath = join(outDir, "journal.jsonl");
    let earlier;
    try {
      earlier = existsSync(journalPath) ? await readJournal(journalPath) : undefined;
    } catch (error) {
      if (error instanceof JournalError) throw new UsageError(`grade-all: ${error.message}`);
      throw error;
    }
    if (earlier !== undefined && !values.resume) {
      throw new UsageError(`grade-all: ${outDir} holds the journal of an earlier run; pass --resume to continue it, or choose another --out`);
    }
    if (earlier !== undefined && earlier.run.input !== input) {
      throw new UsageError(`grade-all: the journal in ${outDir} is of ${earlier.run.input}, not ${input}; choose another --out`);
    }
    if (earlier !== undefined && earlier.run.policy !== assignment?.digest) {
      throw new UsageError(`grade-all: the journal in ${outDir} was made with another --assignment or --use-mtime; resume with the same ones`);
    }
    if (earlier !== undefined && earlier.run.exercises.join(",") !== graded.map((e) => e.id).join(",")) {
      throw new UsageError(`grade-all: the journal in ${outDir} graded ${earlier.run.exercises.join(", ")}; resume with the same --exercise flags`);
    }

    let plan;
    try {
      plan = planBatch(await loadEntries(input), layout);
    } catch (error) {
      if (error instanceof BatchInputError) throw new UsageError(`grade-all: cannot read ${input}: ${error.message}`);
      throw error;
    }
    if (plan.submissions.length === 0) {
      const why = plan.stray.map((s) => `\n  ${s.path}: ${s.reason}`).join("");
      throw new UsageError(`grade-all: found no submissions in ${input} (layout ${plan.layout})${why}`);
    }
    await mkdir(outDir, { recursive: true });
    // No more sandbox workers than submissions: each costs a process start.
    const config = parseGraderConfig({ poolSize: Math.min(jobs, plan.submissions.length) });
    const mode = progressMode(io.stderr, values.quiet ?? false);
    if (mode !== "quiet") write(io.stderr, `${input}: ${plan.layout} layout, ${plan.submissions.length} submission${plan.submissions.length === 1 ? "" : "s"}, ${config.poolSize} at a time`);

    const { SubmissionRejectedError, UnknownExerciseError } = await import("../../grader/index.ts");
    const { createLocalGrader } = await import("../../grader/local.ts");
    const journal = await openJournal(journalPath, earlier === undefined ? { type: "run", version: 1, input, layout: plan.layout, exercises: graded.map((e) => e.id), ...(assignment ? { policy: assignment.digest } : {}) } : undefined);
    const local = createLocalGrader({ config, log: createCliLogger(io) });
    const interrupt = new AbortController();
    const onSignal = () => interrupt.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    let outcome;
    try {
      outcome = await gradeBatch(plan, {
        grader: local.grader,
        exercises: graded,
        maxSourceBytes: config.maxSourceBytes,
        jobs,
        outDir,
        journal,
        done: earlier?.done ?? new Map(),
        progress: createProgress(io.stderr, mode),
        isRejection: (e) => e instanceof SubmissionRejectedError || e instanceof UnknownExerciseError,
        signal: interrupt.signal,
        ...(assignment ? { adjust: (row, submission) => applyLatePolicy(row, submission, assignment.policy, assignment.useMtime) } : {}),
      });
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await journal.close();
      await local.close();
    }
    const written = await writeGrades(outDir, outcome.rows, graded, layoutOut);
    write(io.stderr, summary(outcome.rows, plan.stray));
    if (outcome.interrupted) {
      write(io.stderr, `interrupted: ${outcome.rows.length} of ${plan.submissions.length} recorded; run again with --resume to grade the rest`);
      return 130;
    }
    if (values.similarity) written.push(...(await runSimilarity(similarityFiles(plan, config.maxSourceBytes), shared, outDir, new Date())).written);
    write(io.stderr, `wrote ${written.join(", ")} and reports under ${join(outDir, "reports")}`);
    if (outcome.rows.some((r) => r.status === "error")) return EXIT_INTERNAL;
    if (values.strict && outcome.rows.some((r) => r.status === "unreadable")) return EXIT_FAILED;
    return EXIT_OK;
  },
};

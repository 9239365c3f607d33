import { mkdir } from "node:fs/promises";
import { resolve } from "node:path";
import { parseGraderConfig } from "../../grader/config.ts";
import { BatchInputError } from "../batch/entries.ts";
import { BATCH_LAYOUTS, isBatchLayout, planBatch } from "../batch/layouts.ts";
import { loadEntries } from "../batch/load.ts";
import { runSimilarity, sharedCode, similarityFiles } from "../batch/similarity-run.ts";
import { assignmentFiles } from "../batch/similarity-storage.ts";
import { EXIT_OK, parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde similarity <folder | export.zip> [--out DIR] [--layout ${BATCH_LAYOUTS.join("|")}] [--ignore FILE ...] [--top N]
       autograde similarity --course C --assignment A [--out DIR] [--data-dir DIR] [--ignore FILE ...] [--top N]

Ranks pairs of submissions by how much code they share (Dolos), leaving out the starter code and
each --ignore file, and writes similarity.csv (every pair sharing code) and similarity.html (a
self-contained page: the ranked table, then the top pairs side by side with the shared fragments
highlighted). Similarity is evidence for a person to judge, not a verdict.
The submissions are an LMS export (a folder or zip), or with --course and --assignment each
student's latest submission to that assignment in the service's database (PostgreSQL when
DATABASE_URL is set, else SQLite under AUTOGRADE_DATA_DIR; --data-dir overrides it), as
GET /v1/similarity compares them.
  --out <dir>      where the two files go (default ./autograde-similarity)
  --layout <l>     as for grade-all; default: detected (exports only)
  --ignore <file>  more code everyone shares, e.g. a handout (repeatable)
  --top <n>        pairs printed on stdout (default 10)
Exit codes: 0 done, 2 bad usage or unreadable input.`;

export const command: CliCommand = {
  summary: "rank pairs of submissions by shared code (Dolos) into CSV and HTML",
  usage,
  async run(args, io) {
    const { values, positionals } = parseFlags(
      "similarity",
      args,
      {
        out: { type: "string", default: "autograde-similarity" },
        layout: { type: "string" },
        ignore: { type: "string", multiple: true },
        top: { type: "string", default: "10" },
        course: { type: "string" },
        assignment: { type: "string" },
        "data-dir": { type: "string" },
      },
      { min: 0, max: 1, name: "the submissions to compare" },
    );
    const fromService = values.course !== undefined || values.assignment !== undefined;
    if (fromService && (values.course === undefined || values.assignment === undefined)) throw new UsageError(`similarity: --${values.course === undefined ? "course" : "assignment"} is missing (--course and --assignment go together)`);
    if (fromService && positionals.length > 0) throw new UsageError("similarity: give either <folder | export.zip> or --course and --assignment, not both");
    if (!fromService && positionals.length === 0) throw new UsageError("similarity: missing the submissions to compare (autograde similarity <folder | export.zip>, or --course C --assignment A)");
    if (fromService && values.layout !== undefined) throw new UsageError("similarity: --layout is for an export, not --course");
    if (!fromService && values["data-dir"] !== undefined) throw new UsageError("similarity: --data-dir goes with --course and --assignment");
    const layout = values.layout;
    if (layout !== undefined && !isBatchLayout(layout)) throw new UsageError(`similarity: unknown --layout "${layout}"; layouts: ${BATCH_LAYOUTS.join(", ")}`);
    const top = Number(values.top);
    if (!Number.isInteger(top) || top < 0) throw new UsageError(`similarity: --top must be a whole number, got "${values.top}"`);
    const shared = await sharedCode("similarity", values.ignore ?? []);
    const outDir = resolve(values.out ?? "autograde-similarity");
    let files;
    let stray: readonly { readonly path: string; readonly reason: string }[] = [];
    let what: string;
    if (fromService) {
      const { course, assignment } = values as { course: string; assignment: string };
      files = await assignmentFiles(io.env, values["data-dir"], course, assignment);
      what = `latest of each student in ${course}/${assignment}`;
    } else {
      const input = resolve(positionals[0] as string);
      let plan;
      try {
        plan = planBatch(await loadEntries(input), layout);
      } catch (error) {
        if (error instanceof BatchInputError) throw new UsageError(`similarity: cannot read ${input}: ${error.message}`);
        throw error;
      }
      files = similarityFiles(plan, parseGraderConfig().maxSourceBytes);
      stray = plan.stray;
      what = `${plan.layout} layout`;
    }
    await mkdir(outDir, { recursive: true });
    const { result, written } = await runSimilarity(files, shared, outDir, new Date());
    const lines = result.pairs.slice(0, top).map((p, i) => `${String(i + 1).padStart(3)}. ${(100 * p.similarity).toFixed(1).padStart(5)}%  ${p.left} ↔ ${p.right}  (longest fragment ${p.longest} k-grams)`);
    if (lines.length > 0) write(io.stdout, lines.join("\n"));
    for (const s of stray) write(io.stderr, `refused: ${s.path}: ${s.reason}`);
    write(io.stderr, `${result.files.length} submissions compared (${what}), ${result.pairs.length} pairs share code; wrote ${written.join(", ")}`);
    write(io.stderr, "Similarity is evidence for a person to judge, not a verdict.");
    return EXIT_OK;
  },
};

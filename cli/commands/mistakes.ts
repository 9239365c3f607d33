import { EXERCISE_IDS, exercises, isExerciseId } from "../../exercises/index.ts";
import { catalogueVersion } from "../../exercises/lib/version.ts";
import { analyseAdequacy } from "../../grader/adequacy.ts";
import { createExpectedCache } from "../../grader/expected.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde mistakes [--exercise <id>] [--format text|json]

Prints the catalogue of known mistakes: per exercise, each mistake's id, the hint a student sees
when a wrong answer matches it, and the hidden cases that catch it (computed here from the
reference, no sandbox).`;

export const command: CliCommand = {
  summary: "the known mistakes, their hints and the hidden cases that catch each",
  usage,
  async run(args, io) {
    const { values } = parseFlags("mistakes", args, { exercise: { type: "string" }, format: { type: "string", default: "text" } }, { min: 0, max: 0, name: "" });
    const id = values.exercise;
    if (id !== undefined && !isExerciseId(id)) throw new UsageError(`mistakes: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    if (values.format !== "text" && values.format !== "json") throw new UsageError(`mistakes: unknown format "${values.format}" (text or json)`);
    const cache = createExpectedCache();
    const rows = exercises
      .filter((e) => id === undefined || e.id === id)
      .map((exercise) => {
        const adequacy = analyseAdequacy(exercise, cache.get(exercise));
        return {
          exercise: exercise.id,
          mistakes: exercise.mistakes.map((m, i) => ({
            id: m.id,
            hint: m.hint,
            caughtBy: adequacy.hidden.filter((_, k) => adequacy.caught[i]?.[k]).map((p) => p.recipe.name),
          })),
        };
      });
    if (values.format === "json") {
      write(io.stdout, JSON.stringify({ catalogueVersion: catalogueVersion(exercises), exercises: rows }, null, 2));
      return 0;
    }
    const lines = [`catalogue version ${catalogueVersion(exercises)}`];
    for (const row of rows) {
      lines.push("", `${row.exercise} (${row.mistakes.length} mistakes)`);
      for (const m of row.mistakes) {
        lines.push(`  ${m.id}`, `    hint: ${m.hint}`, `    caught by ${m.caughtBy.length === 0 ? "no hidden case" : `${m.caughtBy.length} hidden case(s):`}`);
        for (const name of m.caughtBy) lines.push(`      ${name}`);
      }
    }
    write(io.stdout, lines.join("\n"));
    return 0;
  },
};

import { EXERCISE_IDS, isExerciseId, starterModule } from "../../exercises/index.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde starter [<exercise-id>]

Prints the starter module for one exercise (with the functions it calls), or for the whole course
without an id. Save it as a .ts file, fill in the TODO blocks, and grade it with \`autograde grade\`.
Exercise ids: ${EXERCISE_IDS.join(", ")}`;

export const command: CliCommand = {
  summary: "print the starter code for one exercise or the whole course",
  usage,
  async run(args, io) {
    const { positionals } = parseFlags("starter", args, {}, { min: 0, max: 1, name: "exercise id" });
    const id = positionals[0];
    if (id !== undefined && !isExerciseId(id)) throw new UsageError(`starter: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    write(io.stdout, id === undefined ? starterModule() : starterModule([id]));
    return 0;
  },
};

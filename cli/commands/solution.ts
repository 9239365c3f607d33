import { EXERCISE_IDS, isExerciseId, solutionModule } from "../../exercises/index.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde solution [<exercise-id>]

For course staff: prints the model solution of one exercise (with the functions it calls, so it
grades as it is), or the whole course's without an id. Keep it from students: the service never
serves solutions, and this command reads them from the exercises on this machine.
Exercise ids: ${EXERCISE_IDS.join(", ")}`;

export const command: CliCommand = {
  summary: "print the model solution of one exercise or the whole course (course staff)",
  usage,
  async run(args, io) {
    const { positionals } = parseFlags("solution", args, {}, { min: 0, max: 1, name: "exercise id" });
    const id = positionals[0];
    if (id !== undefined && !isExerciseId(id)) throw new UsageError(`solution: unknown exercise "${id}"; known exercises: ${EXERCISE_IDS.join(", ")}`);
    write(io.stdout, id === undefined ? solutionModule() : solutionModule([id]));
    return 0;
  },
};

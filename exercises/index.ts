import { exercise as conv_backward } from "./conv_backward/index.ts";
import { exercise as conv_forward } from "./conv_forward/index.ts";
import { exercise as convolve_window } from "./convolve_window/index.ts";
import { exercise as create_mask_from_window } from "./create_mask_from_window/index.ts";
import { exercise as distribute_value } from "./distribute_value/index.ts";
import { exercise as pool_backward } from "./pool_backward/index.ts";
import { exercise as pool_forward } from "./pool_forward/index.ts";
import { EXERCISE_IDS, type Exercise, type ExerciseId } from "./types.ts";
import { exercise as zero_pad } from "./zero_pad/index.ts";

export * from "./types.ts";

const byId: Readonly<Record<ExerciseId, Exercise>> = {
  zero_pad,
  convolve_window,
  conv_forward,
  conv_backward,
  pool_forward,
  create_mask_from_window,
  distribute_value,
  pool_backward,
};

/** The catalogue: every exercise of EXERCISE_IDS, in course order. */
export const exercises: readonly Exercise[] = EXERCISE_IDS.map((id) => byId[id]);

export function isExerciseId(s: string): s is ExerciseId {
  return (EXERCISE_IDS as readonly string[]).includes(s);
}

export function getExercise(id: ExerciseId): Exercise {
  if (!isExerciseId(id)) throw new RangeError(`unknown exercise id ${JSON.stringify(id)}; known: ${EXERCISE_IDS.join(", ")}`);
  return byId[id];
}

/** The names a submission may export an exercise under: the course's snake_case id, then camelCase. */
export function exportNames(id: ExerciseId): readonly [string, string] {
  const exercise = getExercise(id);
  return [exercise.id, exercise.id.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase())];
}

export const STUDENT_MODULE_HEADER = 'import * as np from "@autograde/np";\nimport type { NDArray } from "@autograde/np";\n';

/**
 * The requested exercises plus those their snippets call (conv_forward needs zero_pad and
 * convolve_window), in course order, each once.
 */
function withDependencies(ids: readonly ExerciseId[]): ExerciseId[] {
  const wanted = new Set<ExerciseId>();
  const visit = (id: ExerciseId): void => {
    if (wanted.has(id)) return;
    wanted.add(id);
    for (const used of getExercise(id).uses ?? []) visit(used);
  };
  ids.forEach(visit);
  return EXERCISE_IDS.filter((id) => wanted.has(id));
}

function assemble(ids: readonly ExerciseId[], snippet: (exercise: Exercise) => string): string {
  const snippets = withDependencies(ids).map((id) => snippet(getExercise(id)).trim());
  return `${STUDENT_MODULE_HEADER}\n${snippets.join("\n\n")}\n`;
}

/** One student module: the header, then the starter templates of `ids` (default all) in course order. */
export function starterModule(ids: readonly ExerciseId[] = EXERCISE_IDS): string {
  return assemble(ids, (exercise) => exercise.starter);
}

/** Like starterModule, with the model solutions: a submission that scores full marks. */
export function solutionModule(ids: readonly ExerciseId[] = EXERCISE_IDS): string {
  return assemble(ids, (exercise) => exercise.solution);
}

import { ReferenceInputError } from "../reference/index.ts";
import type { CaseRecipe, Exercise, ExerciseId, ExpectedVariant, Mistake, Value } from "../exercises/types.ts";

/** What one known mistake answers on one case; no outputs where such code would throw. */
export interface PreparedMistake {
  readonly mistake: Mistake;
  readonly outputs: readonly Value[];
}

/** A case with its arguments built and its accepted answers computed by the reference. */
export interface PreparedCase {
  readonly recipe: CaseRecipe;
  readonly args: readonly Value[];
  readonly expected: readonly ExpectedVariant[];
  /** Host-side only, like `expected`: never part of a sandbox job. */
  readonly mistakes: readonly PreparedMistake[];
}

export interface ExpectedCache {
  /** Builds and computes an exercise's cases on first use; later calls return the same objects. */
  get(exercise: Exercise): readonly PreparedCase[];
}

/**
 * Recipes are deterministic, so their arguments and the reference's answers are computed once per
 * grader (one per process) instead of once per submission. Arguments are shared by every job: the
 * pool copies them across IPC, and nothing host-side mutates them. The known mistakes' answers are
 * computed here too, once, so diagnosing a wrong answer costs only comparisons.
 */
export function createExpectedCache(): ExpectedCache {
  const prepared = new Map<ExerciseId, readonly PreparedCase[]>();
  return {
    get(exercise) {
      let cases = prepared.get(exercise.id);
      if (!cases) {
        cases = exercise.cases.map((recipe) => {
          const args = recipe.build();
          const expected = exercise.expected(args);
          if (expected.length === 0) throw new Error(`${exercise.id} case ${recipe.name}: the catalogue returned no expected value`);
          return { recipe, args, expected, mistakes: exercise.mistakes.map((mistake) => prepareMistake(exercise, recipe, mistake, args)) };
        });
        prepared.set(exercise.id, cases);
      }
      return cases;
    },
  };
}

function prepareMistake(exercise: Exercise, recipe: CaseRecipe, mistake: Mistake, args: readonly Value[]): PreparedMistake {
  try {
    return { mistake, outputs: mistake.kernel(args) };
  } catch (error) {
    // The reference refusing the altered geometry (a window past the edge) means such code would throw too.
    if (error instanceof ReferenceInputError) return { mistake, outputs: [] };
    throw new Error(`${exercise.id} case ${recipe.name}: mistake ${mistake.id} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

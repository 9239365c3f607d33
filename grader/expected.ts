import type { CaseRecipe, Exercise, ExerciseId, ExpectedVariant, Value } from "../exercises/types.ts";

/** A case with its arguments built and its accepted answers computed by the reference. */
export interface PreparedCase {
  readonly recipe: CaseRecipe;
  readonly args: readonly Value[];
  readonly expected: readonly ExpectedVariant[];
}

export interface ExpectedCache {
  /** Builds and computes an exercise's cases on first use; later calls return the same objects. */
  get(exercise: Exercise): readonly PreparedCase[];
}

/**
 * Recipes are deterministic, so their arguments and the reference's answers are computed once per
 * grader (one per process) instead of once per submission. Arguments are shared by every job: the
 * pool copies them across IPC, and nothing host-side mutates them.
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
          return { recipe, args, expected };
        });
        prepared.set(exercise.id, cases);
      }
      return cases;
    },
  };
}

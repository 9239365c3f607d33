import { describe, expect, it } from "vitest";
import { isTensor } from "./lib/values.ts";
import { exercises, type Value } from "./index.ts";

const wellFormed = (v: Value): boolean =>
  typeof v === "number" || isTensor(v) || (Array.isArray(v) && v.length > 0 && (v as readonly Value[]).every(wellFormed));

describe.each(exercises.map((e) => [e.id, e] as const))("%s's mistakes", (id, exercise) => {
  it("have ids <exercise>/<snake_case>, unique, and a hint of their own", () => {
    const ids = exercise.mistakes.map((m) => m.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const m of exercise.mistakes) {
      expect(m.id).toMatch(new RegExp(`^${id}/[a-z][a-z0-9_]*$`));
      expect(m.hint.length).toBeGreaterThan(30);
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(exercise.mistakes.map((m) => m.hint)).size).toBe(ids.length);
  });

  it("give well-formed answers (tensors, numbers or tuples of them) on every case, and build them deterministically", () => {
    for (const recipe of exercise.cases) {
      for (const m of exercise.mistakes) {
        let outputs: readonly Value[];
        try {
          outputs = m.kernel(recipe.build());
        } catch (error) {
          // The reference refusing an altered geometry is allowed (the cache turns it into "no answer").
          expect((error as Error).name).toBe("ReferenceInputError");
          continue;
        }
        expect(outputs.every(wellFormed)).toBe(true);
        expect(m.kernel(recipe.build())).toEqual(outputs);
      }
    }
  });
});

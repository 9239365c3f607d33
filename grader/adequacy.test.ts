import { describe, expect, it } from "vitest";
import type { Exercise, Mistake, Value } from "../exercises/types.ts";
import { adequacyTable, analyseAdequacy } from "./adequacy.ts";
import { createExpectedCache } from "./expected.ts";
import { fakeExercise, fakeRecipe, type FakeTensor } from "./test-fakes.ts";

const scaled = (k: number) => (args: readonly Value[]) => {
  const x = args[0] as FakeTensor;
  return [{ shape: x.shape, data: x.data.map((v) => v * k) }];
};

function withMistakes(mistakes: Mistake[], recipes = [fakeRecipe("x=[3]", true, [1, 2, 3]), fakeRecipe("x=[2]", false, [-1, 4]), fakeRecipe("x=[1] zero", false, [0])]): Exercise {
  return { ...fakeExercise("zero_pad", 10, recipes), mistakes };
}

const analyse = (exercise: Exercise) => analyseAdequacy(exercise, createExpectedCache().get(exercise));

describe("analyseAdequacy", () => {
  it("finds nothing wrong when every mistake is caught and the two differ", () => {
    const exercise = withMistakes([
      { id: "zero_pad/times_four", hint: "", kernel: scaled(4) },
      { id: "zero_pad/negated", hint: "", kernel: scaled(-2) },
    ]);
    const adequacy = analyse(exercise);
    // The all-zero case catches nothing: every scaling of 0 is 0; it has no coverage tag either.
    expect(adequacy.problems).toEqual(["hidden case x=[1] zero catches no mistake and covers nothing another hidden case lacks: a candidate to drop"]);
    expect(adequacy.caught).toEqual([
      [true, false],
      [true, false],
    ]);
    expect(adequacyTable(exercise, adequacy)).toContain("zero_pad/times_four   x  .");
  });

  it("keeps a case that catches nothing when it covers something no other hidden case does", () => {
    const recipes = [fakeRecipe("x=[2]", false, [-1, 4]), { ...fakeRecipe("x=[1] zero", false, [0]), covers: ["dz = 0"] }];
    expect(analyse(withMistakes([{ id: "zero_pad/times_four", hint: "", kernel: scaled(4) }], recipes)).problems).toEqual([]);
  });

  it("names a mistake that passes every hidden case, and one with no well-formed answer", () => {
    const exercise = withMistakes([
      { id: "zero_pad/harmless", hint: "", kernel: scaled(2) },
      { id: "zero_pad/throws", hint: "", kernel: () => [] },
      { id: "zero_pad/times_four", hint: "", kernel: scaled(4) },
    ]);
    const problems = analyse(exercise).problems;
    expect(problems).toContain("mistake zero_pad/harmless passes every hidden case: the cases are inadequate");
    expect(problems).toContain("mistake zero_pad/throws passes every hidden case: the cases are inadequate");
  });

  it("names two mistakes no hidden case tells apart", () => {
    const exercise = withMistakes([
      { id: "zero_pad/times_four", hint: "", kernel: scaled(4) },
      { id: "zero_pad/quadrupled", hint: "", kernel: scaled(4) },
    ]);
    expect(analyse(exercise).problems).toContain("mistakes zero_pad/times_four and zero_pad/quadrupled are not told apart on any hidden case");
  });
});

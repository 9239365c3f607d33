import { distribute_value } from "../../reference/index.ts";
import type { CaseRecipe, Exercise, Value } from "../types.ts";
import { coverTags, DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, dims, seededCase } from "../lib/cases.ts";
import { printNotTensor, printShape, printWhole, selectTensor } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { arrayArg, describeValue, isTensor, numberArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

type Dz = "positive" | "negative" | "zero";

function distributeCase(shape: readonly [number, number], dz: Dz, seed: number): CaseRecipe {
  return seededCase(`dz ${dz} shape=${dims(shape)}`, seed, false, (rng): Value[] => {
    const magnitude = Math.abs(rng.randn().data[0]!) + 0.1;
    const value = dz === "zero" ? 0 : dz === "negative" ? -magnitude : magnitude;
    return [value, [...shape]];
  }, { covers: coverTags([[`dz ${dz}`, true], ["1x1", shape[0] === 1 && shape[1] === 1], ["non-square", shape[0] !== shape[1]]]) });
}

function shapeArg(args: readonly Value[]): [number, number] {
  const shape = arrayArg(args, 1, "shape", 2);
  const [nH, nW] = shape;
  if (typeof nH !== "number" || typeof nW !== "number") {
    throw new TypeError(`argument 1 (shape) must hold two numbers, got ${describeValue(shape)}`);
  }
  return [nH, nW];
}

export const exercise: Exercise = {
  id: "distribute_value",
  title: "Distribute a gradient over a window",
  points: 5,
  ...readExerciseFiles(import.meta.url),
  signature: "export function distribute_value(dz: number, shape: [number, number]): NDArray;",
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  cases: [
    // The worksheet's example uses no random draws; the seed is kept for uniformity.
    { name: "dz=2 shape=[2,2]", seed: 1, visible: true, build: () => [2, [2, 2]] },
    distributeCase([3, 3], "positive", 701),
    distributeCase([1, 1], "positive", 702),
    distributeCase([2, 5], "positive", 703),
    distributeCase([4, 4], "negative", 704),
    distributeCase([3, 2], "zero", 705),
    distributeCase([7, 7], "negative", 706),
  ],
  expected(args) {
    return [{ value: distribute_value(numberArg(args, 0, "dz"), shapeArg(args)) }];
  },
  select: (output) => selectTensor(output, "the distributed value"),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("distributed value", value);
    return `${printShape("a", value)}\n${printWhole("distributed value", value)}`;
  },
};

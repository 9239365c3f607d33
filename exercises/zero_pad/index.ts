import { zero_pad } from "../../reference/index.ts";
import type { Exercise, Value } from "../types.ts";
import { coverTags, DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, dims, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { printNotTensor, printShape, printSlice, selectTensor } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { isTensor, numberArg, tensorArg } from "../lib/values.ts";
import { mistakes } from "./mistakes.ts";

const padCase = (shape: readonly [number, number, number, number], pad: number, seed: number, visible = false) =>
  seededCase(`x=${dims(shape)} p=${pad}`, seed, visible, (rng): Value[] => [rng.randn(...shape), pad], {
    covers: coverTags([
      [`pad ${pad}`, true],
      ["pad > H", pad > shape[1]],
      ["H != W", shape[1] !== shape[2]],
      ["one channel", shape[3] === 1],
      ["m = 1", shape[0] === 1],
    ]),
  });

export const exercise: Exercise = {
  id: "zero_pad",
  title: "Zero-padding",
  points: 10,
  ...readExerciseFiles(import.meta.url),
  signature: "export function zero_pad(X: NDArray, pad: number): NDArray;",
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  cases: [
    padCase([4, 3, 3, 2], 2, WORKSHEET_SEED, true),
    padCase([2, 3, 5, 4], 1, 101),
    padCase([1, 4, 4, 1], 3, 102),
    padCase([3, 2, 6, 2], 0, 103),
    padCase([1, 1, 1, 1], 1, 104),
    padCase([2, 5, 3, 3], 2, 105),
    // Was (8,16,16,8): it caught nothing the small cases miss; a padding wider than the image does.
    padCase([1, 2, 3, 2], 4, 106),
  ],
  expected(args) {
    return [{ value: zero_pad(tensorArg(args, 0, "X"), numberArg(args, 1, "pad")) }];
  },
  select: (output) => selectTensor(output, "x_pad"),
  printout(value) {
    if (!isTensor(value)) return printNotTensor("x_pad", value);
    return [printShape("x_pad", value), printSlice("x_pad", value, [1, 1])].join("\n");
  },
};


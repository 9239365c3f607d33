import { convolve_window, type RandomState } from "../../reference/index.ts";
import type { Exercise, Value } from "../types.ts";
import { coverTags, DEFAULT_CASE_TIME_LIMIT_MS, DEFAULT_TOLERANCE, dims, negativeOf, seededCase, WORKSHEET_SEED } from "../lib/cases.ts";
import { selectNumber } from "../lib/select.ts";
import { readExerciseFiles } from "../lib/snippets.ts";
import { describeValue, tensorArg } from "../lib/values.ts";
import { formatScalar } from "../lib/format.ts";
import { mistakes } from "./mistakes.ts";

type WindowCase = { f: number; channels: number; perChannelBias: boolean; negative?: boolean };

function windowCase({ f, channels, perChannelBias, negative = false }: WindowCase, seed: number, visible = false) {
  const bShape = [1, 1, perChannelBias ? channels : 1];
  const name = `a_slice=${dims([f, f, channels])} b=${dims(bShape)}${negative ? " negative" : ""}`;
  return seededCase(name, seed, visible, (rng: RandomState): Value[] => {
    const aSlice = rng.randn(f, f, channels);
    return [negative ? negativeOf(aSlice) : aSlice, rng.randn(f, f, channels), rng.randn(...bShape)];
  }, {
    covers: coverTags([
      ["f = 1", f === 1],
      ["one channel", channels === 1],
      [perChannelBias ? "bias (1,1,C)" : "bias (1,1,1)", true],
      ["negative", negative],
    ]),
  });
}

export const exercise: Exercise = {
  id: "convolve_window",
  title: "Convolve one window",
  points: 10,
  ...readExerciseFiles(import.meta.url),
  signature: "export function convolve_window(a_slice: NDArray, W: NDArray, b: NDArray): number;",
  tolerance: DEFAULT_TOLERANCE,
  mistakes,
  caseTimeLimitMs: DEFAULT_CASE_TIME_LIMIT_MS,
  cases: [
    windowCase({ f: 4, channels: 3, perChannelBias: true }, WORKSHEET_SEED, true),
    windowCase({ f: 1, channels: 1, perChannelBias: false }, 201),
    windowCase({ f: 3, channels: 2, perChannelBias: true }, 202),
    windowCase({ f: 2, channels: 5, perChannelBias: false }, 203),
    windowCase({ f: 5, channels: 1, perChannelBias: true }, 204),
    windowCase({ f: 3, channels: 3, perChannelBias: true, negative: true }, 205),
    // Was 7x7x16: it caught nothing the small cases miss.
    windowCase({ f: 4, channels: 6, perChannelBias: true }, 206),
  ],
  expected(args) {
    return [{ value: convolve_window(tensorArg(args, 0, "a_slice"), tensorArg(args, 1, "W"), tensorArg(args, 2, "b")) }];
  },
  select: (output) => selectNumber(output, "Z"),
  printout(value) {
    return typeof value === "number" ? `Z = ${formatScalar(value)}` : `Z: expected a number, got ${describeValue(value)}`;
  },
};

import { convolve_window, tensor } from "../../reference/index.ts";
import { mistake, sumOf } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { tensorArg } from "../lib/values.ts";

const inputs = (args: readonly Value[]) => ({ a: tensorArg(args, 0, "a_slice"), W: tensorArg(args, 1, "W"), b: tensorArg(args, 2, "b") });
const withoutBias = (args: readonly Value[]) => {
  const { a, W, b } = inputs(args);
  return convolve_window(a, W, tensor(b.shape));
};

export const mistakes: readonly Mistake[] = [
  mistake(
    "convolve_window/bias_added_once",
    "Your bias is added once, after the sum: this course's template adds b to every element of the product before summing (see the exercise text).",
    (args) => [withoutBias(args) + sumOf(inputs(args).b)],
  ),
  mistake("convolve_window/forgets_bias", "Your result leaves the bias b out: add it to the element-wise product before summing.", (args) => [withoutBias(args)]),
  mistake(
    "convolve_window/mean_instead_of_sum",
    "Your result is the mean of the window's values where the sum is asked for.",
    (args) => {
      const { a, W, b } = inputs(args);
      return [convolve_window(a, W, b) / a.data.length];
    },
  ),
];

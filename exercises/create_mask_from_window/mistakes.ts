import { create_mask_from_window } from "../../reference/index.ts";
import { mapTensor, mistake, sumOf } from "../lib/mistake_ops.ts";
import type { Mistake } from "../types.ts";
import { tensorArg } from "../lib/values.ts";

export const mistakes: readonly Mistake[] = [
  mistake("create_mask_from_window/marks_minimum", "Your mask marks the window's smallest value: it should be true where x equals its maximum.", (args) => {
    const x = tensorArg(args, 0, "x");
    return [create_mask_from_window(mapTensor(x, (v) => -v))];
  }),
  mistake(
    "create_mask_from_window/marks_above_mean",
    "Your mask marks every value at or above the mean: only the maximum (every place it occurs) is true.",
    (args) => {
      const x = tensorArg(args, 0, "x");
      const mean = sumOf(x) / x.data.length;
      return [mapTensor(x, (v) => (v >= mean ? 1 : 0))];
    },
  ),
  mistake(
    "create_mask_from_window/returns_max_value",
    "You return the window's maximum value: the function returns a mask of x's shape, true where x holds that maximum.",
    (args) => {
      const x = tensorArg(args, 0, "x");
      return [x.data.reduce((a, b) => Math.max(a, b), -Infinity)];
    },
  ),
];

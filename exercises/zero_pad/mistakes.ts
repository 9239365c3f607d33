import { zero_pad } from "../../reference/index.ts";
import { mistake, padAxes } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { numberArg, tensorArg } from "../lib/values.ts";

const inputs = (args: readonly Value[]) => ({ X: tensorArg(args, 0, "X"), pad: numberArg(args, 1, "pad") });

export const mistakes: readonly Mistake[] = [
  mistake(
    "zero_pad/pads_batch_and_channel_axes",
    "Your result is padded along the batch and channel axes too: only the height and width (axes 1 and 2) get zeros; give the batch and channel axes (0, 0).",
    (args) => {
      const { X, pad } = inputs(args);
      return [padAxes(X, X.shape.map(() => [pad, pad] as const))];
    },
  ),
  mistake(
    "zero_pad/pads_one_side_only",
    "Your padding is on one side of each image only: `pad` zeros go both before and after the rows and the columns.",
    (args) => {
      const { X, pad } = inputs(args);
      return [
        padAxes(X, [[0, 0], [pad, 0], [pad, 0], [0, 0]]),
        padAxes(X, [[0, 0], [0, pad], [0, pad], [0, 0]]),
      ];
    },
  ),
  mistake(
    "zero_pad/pads_by_pad_minus_one",
    "Your border is one zero too thin on every side: pad by `pad` itself, not `pad - 1`.",
    (args) => {
      const { X, pad } = inputs(args);
      return pad >= 1 ? [zero_pad(X, pad - 1)] : [];
    },
  ),
];

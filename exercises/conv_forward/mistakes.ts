import { conv_forward, convOutputShape, tensor, type Tensor } from "../../reference/index.ts";
import { addPerChannel, cropHW, firstOfLastAxis, mistake, shrinkFilters, transposeHW } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { integerFields, tensorArg } from "../lib/values.ts";

type ConvArgs = { A: Tensor; W: Tensor; b: Tensor; stride: number; pad: number };

function inputs(args: readonly Value[]): ConvArgs {
  const { stride, pad } = integerFields(args, 3, "hparameters", ["stride", "pad"]);
  return { A: tensorArg(args, 0, "A_prev"), W: tensorArg(args, 1, "W"), b: tensorArg(args, 2, "b"), stride, pad };
}

function Z(A: Tensor, W: Tensor, b: Tensor, stride: number, pad: number): Tensor {
  return conv_forward(A, W, b, { stride, pad })[0];
}

/** n_H and n_W as the worksheet computes them. */
function outputSize({ A, W, stride, pad }: ConvArgs): [number, number] {
  const [, nH, nW] = convOutputShape(A.shape, W.shape, { stride, pad });
  return [nH, nW];
}

/** The output size as a mistaken formula counts it: `round((n - f + 2 * pad) / stride) + 1`. */
function miscountedSize({ A, W, stride }: ConvArgs, round: (x: number) => number, pad: number): [number, number] {
  const f = W.shape[0] as number;
  const [, h, w] = A.shape as [number, number, number];
  return [round((h - f + 2 * pad) / stride) + 1, round((w - f + 2 * pad) / stride) + 1];
}

/** The bias added once per output: sum over c_prev of b[0,0,c_prev,c] (b[0,0,0,c] for (1,1,1,C)). */
function biasOncePerOutput(b: Tensor): Float64Array {
  const cOut = b.shape[3] as number;
  const term = new Float64Array(cOut);
  b.data.forEach((x, index) => (term[index % cOut] = term[index % cOut]! + x));
  return term;
}

export const mistakes: readonly Mistake[] = [
  mistake(
    "conv_forward/ignores_stride",
    "Your output has the right shape, but every window starts one step after the last: `stride` should move each window's start (h * stride, w * stride).",
    (args) => {
      const c = inputs(args);
      const [nH, nW] = outputSize(c);
      return c.stride > 1 ? [cropHW(Z(c.A, c.W, c.b, 1, c.pad), 0, nH, 0, nW)] : [];
    },
  ),
  mistake(
    "conv_forward/ignores_padding",
    "Your result is the convolution of the unpadded input: pad A_prev with `pad` zeros (zero_pad) before sliding the windows over it, and size the output with the padding.",
    (args) => {
      const c = inputs(args);
      return c.pad > 0 ? [Z(c.A, c.W, c.b, c.stride, 0)] : [];
    },
  ),
  mistake(
    "conv_forward/window_end_off_by_one",
    "Your windows are one row and one column too small: a window starting at `vert_start` ends at `vert_start + f` (exclusive), not `vert_start + f - 1`.",
    (args) => {
      const c = inputs(args);
      const f = c.W.shape[0] as number;
      const [nH, nW] = outputSize(c);
      // Empty windows sum to 0, and a bias added to each of no elements adds nothing.
      if (f < 2) return [tensor([c.A.shape[0] as number, nH, nW, c.W.shape[3] as number])];
      return [cropHW(Z(c.A, shrinkFilters(c.W, f - 1), c.b, c.stride, c.pad), 0, nH, 0, nW)];
    },
  ),
  mistake(
    "conv_forward/same_filter_for_every_channel",
    "Every output channel of yours uses the same filter: channel c of Z uses filter W[:, :, :, c] and bias b[:, :, :, c].",
    (args) => {
      const c = inputs(args);
      return (c.W.shape[3] as number) > 1 ? [Z(c.A, firstOfLastAxis(c.W), c.b, c.stride, c.pad)] : [];
    },
  ),
  mistake(
    "conv_forward/bias_added_once",
    "Your bias is added once per output value, as in the textbook convolution: this course's convolve_window adds b to every element of the window's product before summing.",
    (args) => {
      const c = inputs(args);
      return [addPerChannel(Z(c.A, c.W, tensor(c.b.shape), c.stride, c.pad), biasOncePerOutput(c.b))];
    },
  ),
  mistake(
    "conv_forward/output_size_without_padding",
    "Your output size leaves the padding out: n_H = floor((n_H_prev - f + 2 * pad) / stride) + 1, and the same for n_W.",
    (args) => {
      const c = inputs(args);
      const [nH, nW] = miscountedSize(c, Math.floor, 0);
      return c.pad > 0 && nH > 0 && nW > 0 ? [cropHW(Z(c.A, c.W, c.b, c.stride, c.pad), 0, nH, 0, nW)] : [];
    },
  ),
  mistake(
    "conv_forward/output_size_rounded_up",
    "Your output has an extra row or column: the output size rounds down, n_H = floor((n_H_prev - f + 2 * pad) / stride) + 1.",
    (args) => {
      const c = inputs(args);
      const [nH, nW] = miscountedSize(c, Math.ceil, c.pad);
      // Padding by one more stride lets the extra windows read zeros past the edge; offset 1 realigns them.
      return [cropHW(Z(c.A, c.W, c.b, c.stride, c.pad + c.stride), 1, nH, 1, nW)];
    },
  ),
  mistake(
    "conv_forward/swaps_height_and_width",
    "Your output has height and width exchanged: h indexes rows (vert_start, n_H) and w indexes columns (horiz_start, n_W).",
    (args) => {
      const c = inputs(args);
      return [transposeHW(Z(c.A, c.W, c.b, c.stride, c.pad))];
    },
  ),
];

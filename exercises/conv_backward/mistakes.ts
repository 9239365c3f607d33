import { conv_backward, convOutputShape, cropSpatial, padSpatial, tensor, zero_pad, type Tensor } from "../../reference/index.ts";
import { cropHW, embedHW, example, filled, mistake } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { arrayArg, integerFields, tensorArg } from "../lib/values.ts";

type BackwardArgs = { dZ: Tensor; A: Tensor; W: Tensor; b: Tensor; stride: number; pad: number };

function inputs(args: readonly Value[]): BackwardArgs {
  const cache = arrayArg(args, 1, "cache", 4);
  const { stride, pad } = integerFields(cache, 3, "cache hparameters", ["stride", "pad"]);
  return { dZ: tensorArg(args, 0, "dZ"), A: tensorArg(cache, 0, "A_prev"), W: tensorArg(cache, 1, "W"), b: tensorArg(cache, 2, "b"), stride, pad };
}

function gradients(c: BackwardArgs, dZ = c.dZ, A = c.A, stride = c.stride, pad = c.pad): [Tensor, Tensor, Tensor] {
  return conv_backward(dZ, [A, c.W, c.b, { stride, pad }]);
}

/** From the last example alone: what a loop that overwrites instead of summing over i keeps. */
function lastExample(c: BackwardArgs): [Tensor, Tensor, Tensor] {
  const last = (c.A.shape[0] as number) - 1;
  return gradients(c, example(c.dZ, last), example(c.A, last));
}

/**
 * dA_pad[i, window, :] = W[..., c] * dZ[i, h, w, c] assigned in the worksheet's loop order (h, w, c),
 * so each position keeps the last window and channel that reached it.
 */
function assignedInputGradient({ dZ, A, W, stride, pad }: BackwardArgs): Tensor {
  const [m, hPrev, wPrev, cPrev] = A.shape as [number, number, number, number];
  const [f, , , cOut] = W.shape as [number, number, number, number];
  const [, nH, nW] = dZ.shape as [number, number, number];
  const hPad = hPrev + 2 * pad;
  const wPad = wPrev + 2 * pad;
  const dA = padSpatial(new Float64Array(A.data.length), m, hPrev, wPrev, cPrev, pad);
  for (let i = 0; i < m; i++) {
    for (let h = 0; h < nH; h++) {
      for (let w = 0; w < nW; w++) {
        for (let c = 0; c < cOut; c++) {
          const dz = dZ.data[((i * nH + h) * nW + w) * cOut + c]!;
          for (let kh = 0; kh < f; kh++) {
            for (let kw = 0; kw < f; kw++) {
              const at = ((i * hPad + h * stride + kh) * wPad + w * stride + kw) * cPrev;
              for (let cp = 0; cp < cPrev; cp++) dA[at + cp] = W.data[((kh * f + kw) * cPrev + cp) * cOut + c]! * dz;
            }
          }
        }
      }
    }
  }
  return tensor(A.shape, cropSpatial(dA, m, hPrev, wPrev, cPrev, pad));
}

export const mistakes: readonly Mistake[] = [
  mistake(
    "conv_backward/db_from_last_example",
    "Your db holds the last example's gradient only: db sums dZ over every example of the batch, every position and channel.",
    (args) => {
      const c = inputs(args);
      if ((c.A.shape[0] as number) < 2) return [];
      const [dA, dW] = gradients(c);
      return [[dA, dW, lastExample(c)[2]]];
    },
  ),
  mistake(
    "conv_backward/dw_from_last_example",
    "Your dW holds the last example's gradient only: dW sums over every example of the batch (add, do not assign, across i).",
    (args) => {
      const c = inputs(args);
      if ((c.A.shape[0] as number) < 2) return [];
      const [dA, , db] = gradients(c);
      return [[dA, lastExample(c)[1], db]];
    },
  ),
  mistake(
    "conv_backward/da_not_accumulated",
    "Your dA_prev keeps only the last window that touched each position: windows overlap and channels share inputs, so each one's contribution is added (+=), not assigned.",
    (args) => {
      const c = inputs(args);
      const [, dW, db] = gradients(c);
      return [[assignedInputGradient(c), dW, db]];
    },
  ),
  mistake(
    "conv_backward/ignores_stride",
    "Your gradients come from windows one step apart: in the backward pass too, the window of output (h, w) starts at (h * stride, w * stride).",
    (args) => {
      const c = inputs(args);
      if (c.stride < 2) return [];
      const [, nH1, nW1] = convOutputShape(c.A.shape, c.W.shape, { stride: 1, pad: c.pad });
      return [gradients(c, embedHW(c.dZ, nH1, nW1), c.A, 1)];
    },
  ),
  mistake(
    "conv_backward/dw_not_multiplied_by_dz",
    "Your dW adds the input windows themselves: each window's contribution to dW is a_slice times that output's dZ[i, h, w, c].",
    (args) => {
      const c = inputs(args);
      const [dA, , db] = gradients(c);
      return [[dA, gradients(c, filled(c.dZ.shape, 1))[1], db]];
    },
  ),
  mistake(
    "conv_backward/unpads_at_wrong_offset",
    "Your dA_prev is cut from the padded gradient at the wrong place: drop `pad` rows and columns on every side (rows pad to pad + n_H_prev).",
    (args) => {
      const c = inputs(args);
      if (c.pad < 1) return [];
      const [dAPad, dW, db] = gradients(c, c.dZ, zero_pad(c.A, c.pad), c.stride, 0);
      const [, h, w] = c.A.shape as [number, number, number];
      return [[cropHW(dAPad, 0, h, 0, w), dW, db]];
    },
  ),
];

import { describe, expect, it } from "vitest";
import { drawInputs, expectTensorClose, GOLDEN_TOLERANCE, loadFixture, type Draw, type JsonTensor } from "./golden.ts";
import {
  conv_backward,
  conv_forward,
  convolve_window,
  create_mask_from_window,
  pool_backward,
  pool_backward_accumulate,
  pool_forward,
  zero_pad,
} from "./index.ts";

type Example = { draws: Draw[] };
type Worksheet = {
  zero_pad: Example & { pad: number; value: JsonTensor };
  convolve_window: Example & { value: number };
  conv: Example & { hparameters: { stride: number; pad: number }; Z: JsonTensor; Z_mean: number; dA_prev: JsonTensor; dW: JsonTensor; db: JsonTensor };
  pool_forward: Example & { hparameters: { f: number; stride: number }; max: JsonTensor; average: JsonTensor };
  create_mask_from_window: Example & { value: JsonTensor };
  pool_backward: Example & { hparameters: { f: number; stride: number } } & Record<
    "max" | "average" | "accumulate_max" | "accumulate_average",
    JsonTensor
  >;
};
const { worksheet } = loadFixture<{ worksheet: Worksheet }>("kernels.json");
const draw = (example: Example) => drawInputs(1, example.draws);

describe("the worksheet's visible examples (RandomState(1), exercise-spec.md) through the public index", () => {
  it("zero_pad x=[4,3,3,2] p=2", () => {
    const { x } = draw(worksheet.zero_pad);
    expectTensorClose(zero_pad(x!, worksheet.zero_pad.pad), worksheet.zero_pad.value, "x_pad");
  });
  it("convolve_window a=[4,4,3] b=[1,1,3]", () => {
    const { a_slice, W, b } = draw(worksheet.convolve_window);
    expect(Math.abs(convolve_window(a_slice!, W!, b!) - worksheet.convolve_window.value)).toBeLessThanOrEqual(
      GOLDEN_TOLERANCE * Math.abs(worksheet.convolve_window.value),
    );
  });
  it("conv_forward x=[10,4,4,3] W=[2,2,3,8] b=[1,1,3,8] s=1 p=2, and conv_backward of its Z", () => {
    const { A_prev, W, b } = draw(worksheet.conv);
    const [Z, cache] = conv_forward(A_prev!, W!, b!, worksheet.conv.hparameters);
    expectTensorClose(Z, worksheet.conv.Z, "Z");
    const mean = Z.data.reduce((s, v) => s + v, 0) / Z.data.length;
    expect(Math.abs(mean - worksheet.conv.Z_mean)).toBeLessThan(1e-12);
    const [dA, dW, db] = conv_backward(Z, cache);
    expectTensorClose(dA, worksheet.conv.dA_prev, "dA_prev");
    expectTensorClose(dW, worksheet.conv.dW, "dW");
    expectTensorClose(db, worksheet.conv.db, "db");
  });
  for (const mode of ["max", "average"] as const) {
    it(`pool_forward x=[2,4,4,3] f=4 s=1 ${mode}`, () => {
      const { A_prev } = draw(worksheet.pool_forward);
      expectTensorClose(pool_forward(A_prev!, worksheet.pool_forward.hparameters, mode)[0], worksheet.pool_forward[mode], mode);
    });
    it(`pool_backward x=[5,5,3,2] dA=[5,4,2,2] f=2 s=1 ${mode}, assigned and accumulated`, () => {
      const { A_prev, dA } = draw(worksheet.pool_backward);
      const cache = [A_prev!, worksheet.pool_backward.hparameters] as const;
      expectTensorClose(pool_backward(dA!, cache, mode), worksheet.pool_backward[mode], "assigned");
      expectTensorClose(pool_backward_accumulate(dA!, cache, mode), worksheet.pool_backward[`accumulate_${mode}`], "accumulated");
    });
  }
  it("create_mask_from_window x=[2,2,2]", () => {
    const { x } = draw(worksheet.create_mask_from_window);
    expectTensorClose(create_mask_from_window(x!), worksheet.create_mask_from_window.value, "mask");
  });
});

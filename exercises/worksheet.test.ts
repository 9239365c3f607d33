import { describe, expect, it } from "vitest";
import type { Tensor } from "../reference/index.ts";
import { getExercise, type ExerciseId, type Value } from "./index.ts";

/*
 * Figures the course worksheet prints for its examples, computed independently with python3 + numpy 2.4:
 * literal worksheet loops with both QUIRKs (bias added to every window element; pool_backward assigns),
 * inputs from np.random.seed(1) + np.random.randn. Strings are numpy's own print() output.
 */

function visibleExpected(id: ExerciseId, index = 0): { printout: string; variants: readonly { name?: string; value: Value }[] } {
  const exercise = getExercise(id);
  const recipe = exercise.cases.filter((c) => c.visible)[index]!;
  const variants = exercise.expected(recipe.build());
  return { printout: exercise.printout(variants[0]!.value), variants };
}

function printedNumber(printout: string, label: string): number {
  const line = printout.split("\n").find((l) => l.startsWith(`${label} = `));
  if (line === undefined) throw new Error(`no "${label} = " line in:\n${printout}`);
  return Number(line.slice(label.length + 3));
}

function expectClose(got: number, want: number): void {
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
}

function expectTensorClose(got: Value | undefined, want: readonly number[]): void {
  const data = (got as Tensor).data;
  expect(data.length).toBe(want.length);
  want.forEach((w, i) => expectClose(data[i]!, w));
}

describe("worksheet figures agree with numpy", () => {
  it("zero_pad x=[4,3,3,2] p=2", () => {
    const { printout } = visibleExpected("zero_pad");
    expect(printout).toBe(`x_pad.shape = (4, 7, 7, 2)\nx_pad[1,1] =\n[${new Array(7).fill("[0. 0.]").join("\n ")}]`);
  });

  it("convolve_window a_slice=[4,4,3] b=[1,1,3]: Z", () => {
    const { printout, variants } = visibleExpected("convolve_window");
    expectClose(variants[0]!.value as number, -21.379358378068474);
    expectClose(printedNumber(printout, "Z"), -21.379358378068474);
  });

  it("conv_forward x=[10,4,4,3] f=2 s=1 p=2: Z's mean and Z[3,2,1]", () => {
    const { printout } = visibleExpected("conv_forward");
    expect(printout).toContain("Z.shape = (10, 7, 7, 8)");
    expectClose(printedNumber(printout, "Z's mean"), 2.5961295688962513);
    expect(printout).toContain(
      "Z[3,2,1] =\n[ 7.91398029  6.25603686  6.04535961  7.00450202  6.21070427 -8.85052521\n -7.63368167  4.18927029]",
    );
  });

  it("conv_backward dZ=Z of the conv_forward example: dA, dW, db means", () => {
    const { printout } = visibleExpected("conv_backward");
    expectClose(printedNumber(printout, "dA_mean"), -21.70470222040789);
    expectClose(printedNumber(printout, "dW_mean"), 32.55448438129692);
    expectClose(printedNumber(printout, "db_mean"), 1272.103488759149);
  });

  it.each([
    ["max", 0, [1.74481176421648, 1.6924546010277466, 2.100255136478842, 1.198917879901507, 1.5198168164221988, 2.1855754065331614],
      "[[[[1.74481176 1.6924546  2.10025514]]]\n\n\n [[[1.19891788 1.51981682 2.18557541]]]]"],
    ["average", 1, [-0.09498455569518806, 0.11180064116073661, -0.14263511437627113, -0.09525107945412513, 0.28325018181376527, 0.33035185381249554],
      "[[[[-0.09498456  0.11180064 -0.14263511]]]\n\n\n [[[-0.09525108  0.28325018  0.33035185]]]]"],
  ] as const)("pool_forward x=[2,4,4,3] f=4 s=1 mode=%s: A", (_mode, index, values, printed) => {
    const { printout, variants } = visibleExpected("pool_forward", index);
    expectTensorClose(variants[0]!.value, values);
    expect(printout).toBe(`A.shape = (2, 1, 1, 3)\nA =\n${printed}`);
  });

  it("create_mask_from_window x=[2,2,2]: mask", () => {
    const { printout, variants } = visibleExpected("create_mask_from_window");
    expectTensorClose(variants[0]!.value, [0, 0, 0, 0, 0, 0, 1, 0]);
    expect(printout).toContain("[[[0. 0.]\n  [0. 0.]]\n\n [[0. 0.]\n  [1. 0.]]]");
  });

  it("distribute_value dz=2 shape=[2,2]", () => {
    const { printout } = visibleExpected("distribute_value");
    expect(printout).toBe("a.shape = (2, 2)\ndistributed value =\n[[0.5 0.5]\n [0.5 0.5]]");
  });

  it.each([
    ["max", 0, 0.011368144499443416, [-0, 0, 2.528325706806398, -0, 0, -0], 0.07771408145556294, [0, 0, 5.058443935342465, -1.6828270215556507, 0, 0]],
    ["average", 1, 0.029811415558939937,
      [-0.161729172063727, 0.22537172291217775, 0.6320814267015995, -0.06215869442886501, 0.6320814267015995, -0.06215869442886501],
      0.07771408145556295,
      [0.08485462489158352, 0.2787551982460382, 1.2646109838356163, -0.2574937269055999, 1.179756358944033, -0.5362489251516381]],
  ] as const)("pool_backward x=[5,5,3,2] f=2 s=1 mode=%s: mean and dA_prev[1,1], both variants", (_mode, index, assignMean, assignSlice, accumulateMean, accumulateSlice) => {
    const exercise = getExercise("pool_backward");
    const { variants } = visibleExpected("pool_backward", index);
    const [assign, accumulate] = variants.map((v) => exercise.printout(v.value));
    expectClose(printedNumber(assign!, "mean of dA_prev"), assignMean);
    expectClose(printedNumber(accumulate!, "mean of dA_prev"), accumulateMean);
    const slice = (value: Value) => ({ shape: [3, 2], data: (value as Tensor).data.subarray(36, 42) });
    expectTensorClose(slice(variants[0]!.value), assignSlice);
    expectTensorClose(slice(variants[1]!.value), accumulateSlice);
  });

  it("pool_backward mode=average prints dA_prev[1,1] as numpy does", () => {
    const { printout } = visibleExpected("pool_backward", 1);
    expect(printout).toContain("dA_prev[1,1] =\n[[-0.16172917  0.22537172]\n [ 0.63208143 -0.06215869]\n [ 0.63208143 -0.06215869]]");
  });
});

import { describe, expect, it } from "vitest";
import { create_mask_from_window } from "./create_mask_from_window.ts";
import { drawInputs, expectTensorClose, loadFixture, snapshot, type Draw, type JsonTensor } from "./golden.ts";
import { ReferenceInputError, tensor } from "./tensor.ts";

type MaskCase = { name: string; seed: number; draws: Draw[]; mask: JsonTensor };
const { create_mask_from_window: cases } = loadFixture<{ create_mask_from_window: MaskCase[] }>("kernels.json");

describe("create_mask_from_window", () => {
  const table: [string, number[], number[], number[]][] = [
    ["x=[2,2] one max", [2, 2], [1, 3, -2, 0.5], [0, 1, 0, 0]],
    ["x=[2,2] tied max", [2, 2], [1, 3, 2, 3], [0, 1, 0, 1]],
    ["x=[3] all negative", [3], [-5, -1, -3], [0, 1, 0]],
    ["x=[1,1,1] single element", [1, 1, 1], [7], [1]],
    ["x=[2] holding NaN: no element equals NaN", [2], [Number.NaN, 1], [0, 0]],
  ];
  for (const [name, shape, values, want] of table) {
    it(name, () => {
      const mask = create_mask_from_window(tensor(shape, values));
      expect([...mask.shape]).toEqual(shape);
      expect(Array.from(mask.data)).toEqual(want);
    });
  }
  it("leaves its input untouched", () => {
    const x = tensor([2], [1, 2]);
    const before = snapshot(x);
    create_mask_from_window(x);
    expect(snapshot(x)).toEqual(before);
  });
  it("rejects an empty x", () => {
    expect(() => create_mask_from_window(tensor([0, 2]))).toThrow(ReferenceInputError);
    expect(() => create_mask_from_window(tensor([0, 2]))).toThrow(/x must have at least one element/);
  });
  it("rejects a non-tensor", () => {
    expect(() => create_mask_from_window(null as never)).toThrow(/x must be a tensor \{ shape, data \}, got null/);
  });
});

describe("create_mask_from_window matches numpy golden vectors", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { x } = drawInputs(c.seed, c.draws);
      expectTensorClose(create_mask_from_window(x!), c.mask, "mask");
    });
  }
});

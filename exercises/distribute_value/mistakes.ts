import { distribute_value } from "../../reference/index.ts";
import { mapTensor, mistake } from "../lib/mistake_ops.ts";
import type { Mistake, Value } from "../types.ts";
import { arrayArg, numberArg } from "../lib/values.ts";

function inputs(args: readonly Value[]): { dz: number; nH: number; nW: number } {
  const [nH, nW] = arrayArg(args, 1, "shape", 2) as [number, number];
  return { dz: numberArg(args, 0, "dz"), nH, nW };
}

export const mistakes: readonly Mistake[] = [
  mistake("distribute_value/multiplies_by_size", "Your values grow with the window: dz is shared out, each of the n_H * n_W cells gets dz / (n_H * n_W).", (args) => {
    const { dz, nH, nW } = inputs(args);
    return [mapTensor(distribute_value(dz, [nH, nW]), () => dz * nH * nW)];
  }),
  mistake("distribute_value/divides_by_n_h_only", "Your share divides by the number of rows only: the window holds n_H * n_W cells.", (args) => {
    const { dz, nH, nW } = inputs(args);
    return [mapTensor(distribute_value(dz, [nH, nW]), (v) => v * nW)];
  }),
];

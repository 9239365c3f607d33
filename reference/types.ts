import type { Tensor } from "./tensor.ts";

export type ConvHparameters = { readonly stride: number; readonly pad: number };
export type PoolHparameters = { readonly f: number; readonly stride: number };
export type PoolMode = "max" | "average";
/** [A_prev (unpadded, as given), W, b, hparameters] */
export type ConvCache = readonly [Tensor, Tensor, Tensor, ConvHparameters];
/** [A_prev, hparameters] */
export type PoolCache = readonly [Tensor, PoolHparameters];

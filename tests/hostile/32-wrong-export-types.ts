// @ts-nocheck
export const zero_pad = 42;
export const distribute_value = { call: () => 0, apply: () => 0 };
export const create_mask_from_window = "function create_mask_from_window(x) { return x; }";
export class convolve_window {}

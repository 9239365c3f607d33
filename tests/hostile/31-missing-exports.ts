// @ts-nocheck
// zero_pad is misspelled and distribute_value is defined but never exported.
import * as np from "@autograde/np";

export function zeropad(X, pad) {
  return np.pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);
}

function distribute_value(dz, shape) {
  return np.full(shape, dz / (shape[0] * shape[1]));
}

export const unused = distribute_value;

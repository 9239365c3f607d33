// The storage layer: the NDArray constructor's checks, tensor records checked the same way, and
// toTensor, how every function reads its operands. Below the class, so the kernels need not import it.
import { Float64, isArray } from "./builtins.ts";
import { checkShape, describe, fmtShape, inferShape, isArrayLikeObject, isNDArray, sizeOf, type Tensor } from "./shape.ts";

/** The NDArray constructor's checks and messages (it runs exactly these): a record that would make a valid NDArray. */
export function checkTensor(shape: readonly number[], data: Float64Array): Tensor {
  const dims = checkShape("NDArray", shape);
  return { shape: dims, data, size: checkData(dims, data), ndim: dims.length };
}

/** The constructor's check of data against an already checked shape; returns the size. */
export function checkData(dims: readonly number[], data: unknown): number {
  if (!(data instanceof Float64)) {
    throw new Error(`NDArray: data must be a Float64Array (use np.array for plain arrays), got ${describe(data)}`);
  }
  const size = sizeOf(dims);
  if (data.length !== size) {
    throw new Error(`NDArray: data has ${data.length} elements but shape ${fmtShape(dims)} needs ${size}`);
  }
  return size;
}

/** np.array's conversion: copies a tensor, a Float64Array or nested arrays of numbers and booleans. */
export function fromValues(values: unknown, shape?: readonly number[]): Tensor {
  let result: Tensor;
  if (isArrayLikeObject(values)) {
    result = checkTensor(values.shape, Float64.from(values.data));
  } else if (values instanceof Float64) {
    result = checkTensor([values.length], values.slice());
  } else {
    const dims: number[] = [];
    for (let level: unknown = values; isArray(level); level = level[0]) dims.push(level.length);
    const data = new Float64(sizeOf(dims));
    let k = 0;
    const path: number[] = [];
    const visit = (node: unknown, depth: number): void => {
      if (depth === dims.length) {
        if (typeof node === "number" || typeof node === "boolean") data[k++] = Number(node);
        else throw new Error(`array: element at [${path.join(",")}] is ${describe(node)}, expected a number`);
        return;
      }
      if (!isArray(node) || node.length !== dims[depth]) {
        throw new Error(`array: ragged nested array: [${path.join(",")}] should be a list of length ${dims[depth]}, got ${describe(node)}`);
      }
      for (let i = 0; i < node.length; i++) {
        path.push(i);
        visit(node[i], depth + 1);
        path.pop();
      }
    };
    visit(values, 0);
    result = checkTensor(dims, data);
  }
  return shape === undefined ? result : checkTensor(inferShape("array", shape, result.size), result.data);
}

/** NDArrays pass through; other tensors (`{shape, data: Float64Array}`, e.g. from another copy of this module) are checked. */
export function toTensor(op: string, x: unknown): Tensor {
  if (isNDArray(x)) return x;
  if (typeof x === "number") return checkTensor([], Float64.of(x));
  if (isArrayLikeObject(x) && x.data instanceof Float64) return checkTensor(x.shape, x.data);
  if (typeof x === "boolean" || isArray(x) || x instanceof Float64) return fromValues(x);
  throw new Error(`${op}: expected an NDArray, a number or nested arrays of numbers, got ${describe(x)}`);
}

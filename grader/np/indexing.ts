// Index resolution and strided walks shared by reads, writes and padding.
import { isArray, isInteger } from "./builtins.ts";
import { broadcastStrides, describe, fmtShape, stridesOf, type Tensor } from "./shape.ts";
import { fillRegion, scatter } from "./strided.ts";
import { toTensor } from "./tensor.ts";

export { innermost, rowStarts } from "./strided.ts";

type Shaped = Pick<Tensor, "shape" | "ndim">;

export function offsetOf(op: string, x: Shaped, index: readonly number[]): number {
  if (!isArray(index)) throw new Error(`${op}: index must be an array of numbers, got ${describe(index)}`);
  if (index.length !== x.ndim) {
    throw new Error(`${op}: expected ${x.ndim} indices for an array of shape ${fmtShape(x.shape)}, got ${index.length}`);
  }
  let offset = 0;
  for (let axis = 0; axis < x.ndim; axis++) {
    offset = offset * x.shape[axis]! + position(op, index[axis], axis, x.shape[axis]!);
  }
  return offset;
}

/** x[index] = value (or += with accumulate), broadcasting value over the region; entries are checked, hence unknown. */
export function write(op: string, x: Tensor, index: readonly unknown[], value: unknown, accumulate: boolean): void {
  const view = resolve(op, x, index);
  if (typeof value === "number") {
    fillRegion(x.data, view.offset, view.shape, view.strides, value, accumulate);
    return;
  }
  const source = toTensor(op, value);
  const sourceStrides = broadcastStrides(op, source.shape, view.shape, "value", "region");
  scatter(x.data, view.offset, view.shape, view.strides, source.data, sourceStrides, accumulate);
}

interface View { shape: number[]; strides: number[]; offset: number }

export function resolve(op: string, x: Shaped, index: readonly unknown[]): View {
  if (!isArray(index)) throw new Error(`${op}: index must be an array, got ${describe(index)}`);
  if (index.length > x.ndim) {
    throw new Error(`${op}: too many indices (${index.length}) for an array of shape ${fmtShape(x.shape)}`);
  }
  const strides = stridesOf(x.shape);
  const view: View = { shape: [], strides: [], offset: 0 };
  for (let axis = 0; axis < x.ndim; axis++) {
    const entry: unknown = index[axis];
    const size = x.shape[axis]!;
    if (entry === null || entry === undefined) {
      view.shape.push(size);
      view.strides.push(strides[axis]!);
    } else if (typeof entry === "number") {
      view.offset += position(op, entry, axis, size) * strides[axis]!;
    } else if (isArray(entry) && entry.length === 2 && isInteger(entry[0]) && isInteger(entry[1])) {
      const start: number = entry[0] < 0 ? entry[0] + size : entry[0];
      const end: number = entry[1] < 0 ? entry[1] + size : entry[1];
      if (start < 0 || end > size || start > end) {
        throw new Error(`${op}: range [${entry[0]}, ${entry[1]}] out of range for axis ${axis} of size ${size}`);
      }
      view.offset += start * strides[axis]!;
      view.shape.push(end - start);
      view.strides.push(strides[axis]!);
    } else {
      throw new Error(`${op}: index for axis ${axis} must be an integer, an integer [start, end] pair or null, got ${describe(entry)}`);
    }
  }
  return view;
}

function position(op: string, index: unknown, axis: number, size: number): number {
  if (typeof index !== "number" || !isInteger(index)) {
    throw new Error(`${op}: index for axis ${axis} must be an integer, got ${describe(index)}`);
  }
  if (index < -size || index >= size) throw new Error(`${op}: index ${index} out of range for axis ${axis} of size ${size}`);
  return index < 0 ? index + size : index;
}

export type Tensor = { readonly shape: readonly number[]; readonly data: Float64Array };

export class ReferenceInputError extends Error {
  override name = "ReferenceInputError";
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(",")}]`;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const dim of shape) size *= dim;
  return size;
}

function assertShape(shape: unknown, what: string): asserts shape is readonly number[] {
  if (!Array.isArray(shape)) {
    throw new ReferenceInputError(`${what}: shape must be an array of dimensions, got ${typeof shape}`);
  }
  shape.forEach((dim: unknown, axis) => {
    if (typeof dim !== "number" || !Number.isInteger(dim) || dim < 0) {
      throw new ReferenceInputError(
        `${what}: shape dimension ${axis} must be a non-negative integer, got ${String(dim)}`,
      );
    }
  });
}

// Tag check instead of instanceof so tensors built in another realm (vm context, worker) still pass.
function isFloat64Array(value: unknown): value is Float64Array {
  return Object.prototype.toString.call(value) === "[object Float64Array]";
}

export function tensor(shape: readonly number[], data?: Float64Array | readonly number[]): Tensor {
  assertShape(shape, "tensor");
  const size = sizeOf(shape);
  const frozenShape = Object.freeze([...shape]);
  if (data === undefined) return { shape: frozenShape, data: new Float64Array(size) };
  if (data.length !== size) {
    throw new ReferenceInputError(
      `tensor: data length ${data.length} does not match shape ${formatShape(shape)} (${size} elements)`,
    );
  }
  return { shape: frozenShape, data: isFloat64Array(data) ? data : Float64Array.from(data) };
}

/** Checks that `value` is a well-formed tensor of the given rank; returns its shape for destructuring. */
export function assertTensor(value: unknown, what: string, rank?: number): readonly number[] {
  if (typeof value !== "object" || value === null) {
    throw new ReferenceInputError(`${what} must be a tensor { shape, data }, got ${value === null ? "null" : typeof value}`);
  }
  const { shape, data } = value as { shape?: unknown; data?: unknown };
  assertShape(shape, what);
  if (!isFloat64Array(data)) {
    throw new ReferenceInputError(`${what}: data must be a Float64Array`);
  }
  if (data.length !== sizeOf(shape)) {
    throw new ReferenceInputError(
      `${what}: data length ${data.length} does not match shape ${formatShape(shape)} (${sizeOf(shape)} elements)`,
    );
  }
  if (rank !== undefined && shape.length !== rank) {
    throw new ReferenceInputError(`${what} must have rank ${rank}, got shape ${formatShape(shape)}`);
  }
  return shape;
}

export function assertInteger(value: unknown, what: string, min: number): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ReferenceInputError(`${what} must be an integer, got ${String(value)}`);
  }
  if (value < min) {
    throw new ReferenceInputError(`${what} must be >= ${min}, got ${value}`);
  }
}

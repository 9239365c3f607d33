import { assertInteger, assertTensor, formatShape, ReferenceInputError, type Tensor } from "./tensor.ts";
import type { ConvHparameters, PoolHparameters, PoolMode } from "./types.ts";

/** Everything a conv kernel needs to know about its operands, validated once. */
export type ConvGeometry = {
  readonly m: number;
  readonly hPrev: number;
  readonly wPrev: number;
  readonly cPrev: number;
  readonly f: number;
  readonly cOut: number;
  readonly stride: number;
  readonly pad: number;
  readonly nH: number;
  readonly nW: number;
  /** b is (1,1,C_prev,C): one bias per input channel, instead of (1,1,1,C). */
  readonly biasPerInputChannel: boolean;
};

export type PoolGeometry = {
  readonly m: number;
  readonly hPrev: number;
  readonly wPrev: number;
  readonly c: number;
  readonly f: number;
  readonly stride: number;
  readonly nH: number;
  readonly nW: number;
};

function assertObject(value: unknown, what: string): asserts value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) {
    throw new ReferenceInputError(`${what} must be an object, got ${value === null ? "null" : typeof value}`);
  }
}

function assertRank(shape: readonly number[], what: string, rank: number): void {
  if (shape.length !== rank) throw new ReferenceInputError(`${what} must have rank ${rank}, got shape ${formatShape(shape)}`);
}

function assertConvHparameters(hparameters: unknown): asserts hparameters is ConvHparameters {
  assertObject(hparameters, "hparameters");
  assertInteger(hparameters.stride, "hparameters.stride", 1);
  assertInteger(hparameters.pad, "hparameters.pad", 0);
}

function assertPoolHparameters(hparameters: unknown): asserts hparameters is PoolHparameters {
  assertObject(hparameters, "hparameters");
  assertInteger(hparameters.f, "hparameters.f", 1);
  assertInteger(hparameters.stride, "hparameters.stride", 1);
}

/**
 * Output shape of a convolution: n = floor((n_prev - f + 2 pad) / stride) + 1 per spatial axis.
 * Input shapes are NHWC (m, H, W, C_prev) and (f, f, C_prev, C).
 */
export function convOutputShape(
  aPrevShape: readonly number[],
  wShape: readonly number[],
  hparameters: ConvHparameters,
): [number, number, number, number] {
  assertConvHparameters(hparameters);
  assertRank(aPrevShape, "A_prev", 4);
  assertRank(wShape, "W", 4);
  const [m, hPrev, wPrev, cPrev] = aPrevShape as [number, number, number, number];
  const [f, fW, wCPrev, cOut] = wShape as [number, number, number, number];
  if (f !== fW) throw new ReferenceInputError(`W must be square (f, f, C_prev, C), got ${formatShape(wShape)}`);
  if (f < 1) throw new ReferenceInputError(`W: filter size f must be >= 1, got shape ${formatShape(wShape)}`);
  if (wCPrev !== cPrev) {
    throw new ReferenceInputError(
      `W channels do not match A_prev: W ${formatShape(wShape)} has C_prev=${wCPrev}, A_prev ${formatShape(aPrevShape)} has ${cPrev}`,
    );
  }
  const { stride, pad } = hparameters;
  if (f > hPrev + 2 * pad || f > wPrev + 2 * pad) {
    throw new ReferenceInputError(
      `filter size f=${f} exceeds the padded input ${hPrev + 2 * pad}x${wPrev + 2 * pad} (A_prev ${formatShape(aPrevShape)}, pad ${pad})`,
    );
  }
  return [m, Math.floor((hPrev - f + 2 * pad) / stride) + 1, Math.floor((wPrev - f + 2 * pad) / stride) + 1, cOut];
}

/** Output shape of a pooling layer (no padding): n = floor((n_prev - f) / stride) + 1. */
export function poolOutputShape(
  aPrevShape: readonly number[],
  hparameters: PoolHparameters,
): [number, number, number, number] {
  assertPoolHparameters(hparameters);
  assertRank(aPrevShape, "A_prev", 4);
  const [m, hPrev, wPrev, c] = aPrevShape as [number, number, number, number];
  const { f, stride } = hparameters;
  if (f > hPrev || f > wPrev) {
    throw new ReferenceInputError(
      `pool window f=${f} exceeds the input ${hPrev}x${wPrev} (A_prev ${formatShape(aPrevShape)})`,
    );
  }
  return [m, Math.floor((hPrev - f) / stride) + 1, Math.floor((wPrev - f) / stride) + 1, c];
}

export function convGeometry(A_prev: Tensor, W: Tensor, b: Tensor, hparameters: ConvHparameters): ConvGeometry {
  const aShape = assertTensor(A_prev, "A_prev", 4);
  const wShape = assertTensor(W, "W", 4);
  const bShape = assertTensor(b, "b", 4);
  const [m, nH, nW, cOut] = convOutputShape(aShape, wShape, hparameters);
  const [, hPrev, wPrev, cPrev] = aShape as [number, number, number, number];
  const [b0, b1, bIn, bOut] = bShape as [number, number, number, number];
  if (b0 !== 1 || b1 !== 1 || bOut !== cOut || (bIn !== 1 && bIn !== cPrev)) {
    throw new ReferenceInputError(
      `b must have shape (1,1,1,${cOut}) or (1,1,${cPrev},${cOut}) to match W ${formatShape(wShape)}, got ${formatShape(bShape)}`,
    );
  }
  return {
    m,
    hPrev,
    wPrev,
    cPrev,
    f: wShape[0] as number,
    cOut,
    stride: hparameters.stride,
    pad: hparameters.pad,
    nH,
    nW,
    // With C_prev = 1 both bias layouts coincide, so either reading is the same arithmetic.
    biasPerInputChannel: bIn === cPrev && cPrev !== 1,
  };
}

export function poolGeometry(A_prev: Tensor, hparameters: PoolHparameters): PoolGeometry {
  const aShape = assertTensor(A_prev, "A_prev", 4);
  const [m, nH, nW, c] = poolOutputShape(aShape, hparameters);
  return { m, hPrev: aShape[1] as number, wPrev: aShape[2] as number, c, f: hparameters.f, stride: hparameters.stride, nH, nW };
}

export function assertPoolMode(mode: unknown): asserts mode is PoolMode {
  if (mode !== "max" && mode !== "average") {
    throw new ReferenceInputError(`mode must be "max" or "average", got ${JSON.stringify(mode) ?? String(mode)}`);
  }
}

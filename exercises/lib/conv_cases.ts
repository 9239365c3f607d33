import type { RandomState, Tensor } from "../../reference/index.ts";
import type { CaseRecipe } from "../types.ts";
import { convOutputSize, coverTags, dims, LARGE_CASE_SUFFIX, LARGE_CASE_TIME_LIMIT_MS, negativeOf } from "./cases.ts";

export type ConvCaseSpec = {
  /** A_prev's shape (m, H, W, C_prev). */
  readonly x: readonly [number, number, number, number];
  readonly f: number;
  /** C, the number of filters. */
  readonly channels: number;
  readonly stride: number;
  readonly pad: number;
  /** b of shape (1,1,C_prev,C) instead of (1,1,1,C). */
  readonly biasPerInputChannel?: boolean;
  readonly negative?: boolean;
  /** Kept large for its time limit only; named so. */
  readonly large?: boolean;
};

export type ConvInputs = {
  readonly A_prev: Tensor;
  readonly W: Tensor;
  readonly b: Tensor;
  readonly hparameters: { stride: number; pad: number };
};

/** The worksheet's conv_forward example, whose Z and cache are also conv_backward's example. */
export const WORKSHEET_CONV: ConvCaseSpec = { x: [10, 4, 4, 3], f: 2, channels: 8, stride: 1, pad: 2, biasPerInputChannel: true };

/**
 * Hidden cases shared by conv_forward and conv_backward. The last is the large one: 2*16*16*16 outputs
 * of 3*3*16 multiply-adds each, about 1.2e6; deep windows rather than many keep a per-window loop
 * solution well inside the case time limit. It catches no mistake the small ones miss (see
 * `autograde check`): it is there for the time limit, and its name says so.
 */
export const HIDDEN_CONV: readonly ConvCaseSpec[] = [
  { x: [2, 5, 5, 3], f: 3, channels: 4, stride: 2, pad: 1 },
  { x: [1, 7, 5, 1], f: 3, channels: 2, stride: 3, pad: 0 },
  { x: [2, 4, 6, 2], f: 1, channels: 3, stride: 1, pad: 0, biasPerInputChannel: true },
  { x: [3, 5, 5, 2], f: 5, channels: 2, stride: 1, pad: 0 },
  { x: [2, 6, 4, 3], f: 2, channels: 5, stride: 2, pad: 1, biasPerInputChannel: true },
  { x: [2, 8, 6, 2], f: 3, channels: 3, stride: 2, pad: 0 },
  { x: [2, 3, 3, 2], f: 3, channels: 2, stride: 1, pad: 2, negative: true },
  { x: [2, 16, 16, 16], f: 3, channels: 16, stride: 1, pad: 1, large: true },
];

export function biasShape(spec: ConvCaseSpec): [number, number, number, number] {
  return [1, 1, spec.biasPerInputChannel ? spec.x[3] : 1, spec.channels];
}

export function convCaseName(spec: ConvCaseSpec): string {
  const { x, f, channels, stride, pad } = spec;
  return `x=${dims(x)} f=${f} C=${channels} s=${stride} p=${pad} b=${dims(biasShape(spec))}${spec.negative ? " negative" : ""}${spec.large ? LARGE_CASE_SUFFIX : ""}`;
}

/** What a conv case covers, for `autograde check`, and its own time limit when it is the large one. */
export function convCaseExtra(spec: ConvCaseSpec): Pick<CaseRecipe, "covers" | "timeLimitMs"> {
  const [m, h, w, cPrev] = spec.x;
  const covers = coverTags([
    [`stride ${spec.stride}`, true],
    [`pad ${spec.pad}`, true],
    ["f = 1", spec.f === 1],
    ["f = H", spec.f === h],
    ["H != W", h !== w],
    ["one input channel", cPrev === 1],
    ["m = 1", m === 1],
    [spec.biasPerInputChannel ? "bias (1,1,C_prev,C)" : "bias (1,1,1,C)", true],
    ["negative", spec.negative === true],
    ["rows no window reaches", (h + 2 * spec.pad - spec.f) % spec.stride !== 0],
    ["large", spec.large === true],
  ]);
  return spec.large ? { covers, timeLimitMs: LARGE_CASE_TIME_LIMIT_MS } : { covers };
}

/** Draws in the worksheet's order: A_prev, W, b. */
export function drawConvInputs(rng: RandomState, spec: ConvCaseSpec): ConvInputs {
  const A_prev = rng.randn(...spec.x);
  const W = rng.randn(spec.f, spec.f, spec.x[3], spec.channels);
  const b = rng.randn(...biasShape(spec));
  return {
    A_prev: spec.negative ? negativeOf(A_prev) : A_prev,
    W,
    b,
    hparameters: { stride: spec.stride, pad: spec.pad },
  };
}

export function convOutputShape(spec: ConvCaseSpec): [number, number, number, number] {
  const [m, h, w] = spec.x;
  return [m, convOutputSize(h, spec.f, spec.stride, spec.pad), convOutputSize(w, spec.f, spec.stride, spec.pad), spec.channels];
}

import type { Tensor } from "../reference/index.ts";

export const EXERCISE_IDS = [
  "zero_pad",
  "convolve_window",
  "conv_forward",
  "conv_backward",
  "pool_forward",
  "create_mask_from_window",
  "distribute_value",
  "pool_backward",
] as const;

export type ExerciseId = (typeof EXERCISE_IDS)[number];

/**
 * What crosses between the host and student code: arguments going in, results coming out.
 * Tensors travel as `{ shape, data: Float64Array }`; everything else is plain JSON-like data.
 */
export type Value =
  | number
  | boolean
  | string
  | null
  | Tensor
  | readonly Value[]
  | { readonly [key: string]: Value };

/** A seeded recipe: arguments are rebuilt from the seed, never stored. */
export interface CaseRecipe {
  /** Encodes the case, e.g. `x=[2,5,5,3] f=3 s=2 p=1`. Unique within an exercise. */
  readonly name: string;
  /** Visible cases are the worksheet's examples; hidden ones show name and outcome only. */
  readonly visible: boolean;
  readonly seed: number;
  /** Deterministic: two calls give bit-identical arguments. */
  build(): Value[];
  /**
   * What this case covers besides catching mistakes (`stride 2`, `pad 0`, `f=H`, `large`...):
   * `autograde check` names a hidden case that catches no mistake and adds no such tag as one to drop.
   */
  readonly covers?: readonly string[];
  /** A case kept large for an efficiency check has its own time limit, and says so in its name. */
  readonly timeLimitMs?: number;
}

/**
 * A known wrong implementation. Its output on a case is compared with a student's wrong answer, on
 * the host only, to name the misconception without showing code or values.
 */
export interface Mistake {
  /** `<exercise id>/<snake_case name>`, stable: reports and analytics count by it. */
  readonly id: string;
  /** Student-facing: names the misconception, never the code or the answer. */
  readonly hint: string;
  /**
   * The graded value (what `select` picks) the reference with this one mistake gives for the case's
   * arguments; several where the mistake combines with each accepted variant (pool_backward's assign
   * and accumulate), none where such code would throw.
   */
  kernel(args: readonly Value[]): readonly Value[];
}

/** One acceptable answer. Most exercises have one; pool_backward has two (assign, accumulate). */
export interface ExpectedVariant {
  /** Shown in feedback when it is the one the student's answer matched; omitted when there is one. */
  readonly name?: string;
  readonly value: Value;
}

/** Picks the graded part out of what the student returned, e.g. Z from `[Z, cache]`. */
export type GradedSelection = { ok: true; value: Value } | { ok: false; reason: string };

export interface Exercise {
  readonly id: ExerciseId;
  readonly title: string;
  readonly points: number;
  /** Markdown, in our own words. */
  readonly description: string;
  /** The TypeScript declaration the student implements. */
  readonly signature: string;
  /** A worksheet-style template with TODO blocks: compiles, scores 0. */
  readonly starter: string;
  /** Model solution, server-side only. */
  readonly solution: string;
  readonly cases: readonly CaseRecipe[];
  readonly tolerance: { readonly atol: number; readonly rtol: number };
  readonly caseTimeLimitMs: number;
  /**
   * Other exercises whose functions this one's snippets call by name (conv_forward calls zero_pad and
   * convolve_window); starterModule/solutionModule include them when asked for this exercise alone.
   */
  readonly uses?: readonly ExerciseId[];
  /**
   * Known mistakes, most specific first: where several match one wrong answer the first is named.
   * Every pair is meant to be distinct (some hidden case tells them apart).
   */
  readonly mistakes: readonly Mistake[];
  /** Expected answers from the reference for these arguments; the first is canonical. */
  expected(args: readonly Value[]): readonly ExpectedVariant[];
  select(output: Value): GradedSelection;
  /** What the worksheet prints for this value (a mean, a slice, a shape), for visible cases. */
  printout(value: Value): string;
}

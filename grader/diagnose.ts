import type { Value } from "../exercises/types.ts";
import { valuesMatch, type Tolerance } from "./compare.ts";
import type { PreparedCase, PreparedMistake } from "./expected.ts";
import type { MistakeReport } from "./report.ts";

/** The mistakes whose answer on this case equals `answer` within the tolerance, in catalogue order. */
export function matchingMistakes(prepared: PreparedCase, answer: Value, tolerance: Tolerance): PreparedMistake[] {
  return prepared.mistakes.filter((m) => m.outputs.some((output) => valuesMatch(answer, output, tolerance)));
}

export function mistakeReport({ mistake }: PreparedMistake): MistakeReport {
  return { id: mistake.id, hint: mistake.hint };
}

/**
 * Which mistake to name on each wrong case, and for the exercise. When one mistake matches every
 * wrong case it is named on all of them and for the exercise, even where a more specific one also
 * matches a single case; otherwise each case names its first (most specific) match. A case with no
 * match names nothing: a false diagnosis is worse than none.
 */
export function diagnose(matches: readonly (readonly PreparedMistake[] | undefined)[]): {
  cases: (MistakeReport | undefined)[];
  exercise?: MistakeReport;
} {
  const wrong = matches.filter((m): m is readonly PreparedMistake[] => m !== undefined);
  const [first, ...rest] = wrong;
  const shared = first?.find((candidate) => rest.every((m) => m.some((other) => other.mistake.id === candidate.mistake.id)));
  if (shared) {
    const named = mistakeReport(shared);
    return { cases: matches.map((m) => (m === undefined ? undefined : named)), exercise: named };
  }
  return { cases: matches.map((m) => (m?.[0] ? mistakeReport(m[0]) : undefined)) };
}

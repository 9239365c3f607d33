import type { Exercise } from "../exercises/types.ts";
import { valuesMatch } from "./compare.ts";
import type { PreparedCase, PreparedMistake } from "./expected.ts";

/** Which hidden case catches which known mistake, and what that says about the case set. */
export interface Adequacy {
  readonly hidden: readonly PreparedCase[];
  /** caught[m][k]: mistake m fails hidden case k, as a submission making it would. */
  readonly caught: readonly (readonly boolean[])[];
  readonly problems: readonly string[];
}

/** Every answer the mistake gives is wrong here, so a submission making it fails this case. */
function catches(exercise: Exercise, prepared: PreparedCase, m: PreparedMistake): boolean {
  return m.outputs.length > 0 && m.outputs.every((output) => prepared.expected.every((v) => !valuesMatch(output, v.value, exercise.tolerance)));
}

/** Some answer of `a` on this case is also an answer of `b`: diagnosis could not tell them apart here. */
function coincide(exercise: Exercise, a: PreparedMistake, b: PreparedMistake): boolean {
  return a.outputs.some((x) => b.outputs.some((y) => valuesMatch(x, y, exercise.tolerance)));
}

/**
 * The staff's proof that the hidden cases are adequate: every mistake fails some hidden case; every
 * two mistakes differ on some case that catches each (so a submission making one is not named as the
 * other everywhere); and every hidden case catches a mistake or covers something no other hidden case
 * does (otherwise it is a candidate to drop).
 */
export function analyseAdequacy(exercise: Exercise, prepared: readonly PreparedCase[]): Adequacy {
  const hidden = prepared.filter((p) => !p.recipe.visible);
  const caught = exercise.mistakes.map((_, m) => hidden.map((p) => catches(exercise, p, p.mistakes[m] as PreparedMistake)));
  const problems: string[] = [];
  exercise.mistakes.forEach((mistake, m) => {
    if (!caught[m]!.some(Boolean)) problems.push(`mistake ${mistake.id} passes every hidden case: the cases are inadequate`);
  });
  const toldApartFrom = (a: number, b: number) => hidden.some((p, k) => caught[a]![k] && !coincide(exercise, p.mistakes[a]!, p.mistakes[b]!));
  for (let a = 0; a < exercise.mistakes.length; a++) {
    for (let b = a + 1; b < exercise.mistakes.length; b++) {
      if (!toldApartFrom(a, b) || !toldApartFrom(b, a)) {
        problems.push(`mistakes ${exercise.mistakes[a]!.id} and ${exercise.mistakes[b]!.id} are not told apart on any hidden case`);
      }
    }
  }
  hidden.forEach((p, k) => {
    if (caught.some((row) => row[k])) return;
    const others = new Set(hidden.filter((_, j) => j !== k).flatMap((o) => o.recipe.covers ?? []));
    const own = (p.recipe.covers ?? []).filter((tag) => !others.has(tag));
    if (own.length === 0) problems.push(`hidden case ${p.recipe.name} catches no mistake and covers nothing another hidden case lacks: a candidate to drop`);
  });
  return { hidden, caught, problems };
}

/** Mistakes down, hidden cases across (numbered, named below): `x` where the case catches the mistake. */
export function adequacyTable(exercise: Exercise, adequacy: Adequacy): string {
  const { hidden, caught } = adequacy;
  const idWidth = Math.max(...exercise.mistakes.map((m) => m.id.length), 7);
  const header = `${"mistake".padEnd(idWidth)}  ${hidden.map((_, k) => String(k + 1).padStart(2)).join(" ")}`;
  const rows = exercise.mistakes.map((m, i) => `${m.id.padEnd(idWidth)}  ${caught[i]!.map((c) => (c ? " x" : " .")).join(" ")}`);
  const counts = `${"catches".padEnd(idWidth)}  ${hidden.map((_, k) => String(caught.filter((row) => row[k]).length).padStart(2)).join(" ")}`;
  const legend = hidden.map((p, k) => `  ${String(k + 1).padStart(2)} ${p.recipe.name}`);
  return [header, ...rows, counts, "hidden cases:", ...legend].join("\n");
}

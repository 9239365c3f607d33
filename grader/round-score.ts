/**
 * The one rounding rule for scores: two decimal places, halves up, applied once where a score is
 * made (each exercise's, the total as the sum of those, a late penalty). Every output (page, text,
 * JSON, CSV, LMS) shows the number it is given, so all of them agree. The small nudge makes 2.855,
 * stored as 2.85499999…, round up as written.
 */
export function roundScore(x: number): number {
  return Math.round(x * 100 + 1e-7) / 100;
}

/** A score as every human-facing output prints it: 3, 2.86, 0.5 (never 2.9 or 2.8572). */
export function formatScore(x: number): string {
  return String(roundScore(x));
}

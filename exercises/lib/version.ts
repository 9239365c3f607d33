import { createHash } from "node:crypto";
import type { Exercise } from "../types.ts";

/**
 * A fingerprint of everything that decides a score or a diagnosis: points, tolerance, every case's
 * name, seed, visibility and time limit, and the mistakes' ids. Reports carry it, so a changed case
 * set shows as a changed version and regrading stays an explicit staff action.
 */
export function catalogueVersion(exercises: readonly Exercise[]): string {
  const content = exercises.map((e) => ({
    id: e.id,
    points: e.points,
    tolerance: e.tolerance,
    caseTimeLimitMs: e.caseTimeLimitMs,
    cases: e.cases.map((c) => [c.name, c.seed, c.visible, c.timeLimitMs ?? null]),
    mistakes: e.mistakes.map((m) => m.id),
  }));
  return createHash("sha256").update(JSON.stringify(content)).digest("hex").slice(0, 12);
}

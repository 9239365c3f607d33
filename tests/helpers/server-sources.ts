import { solutionModule } from "../../exercises/index.ts";

/** The catalogue's model solution for distribute_value: 5/5, seven small cases, quick to grade. */
export const distributeSolution = solutionModule(["distribute_value"]);

/** Throws its own inputs back: the staff view shows them, the student view must not (hidden cases). */
export const LEAK_MARKER = "LEAKED-INPUT";
export const leakySource = `
export function distribute_value(dz: number, shape: number[]): never {
  throw new Error("${LEAK_MARKER} " + JSON.stringify([dz, shape]));
}
`;

/** Correct but slow (about delayMs of wall time per case): keeps a grading running long enough to interrupt. */
export function slowDistributeSource(delayMs: number): string {
  return `
export function distribute_value(dz: number, shape: number[]) {
  const until = Date.now() + ${delayMs};
  while (Date.now() < until) { /* busy */ }
  const [h, w] = shape;
  return { shape: [h, w], data: new Float64Array(h * w).fill(dz / (h * w)) };
}
`;
}

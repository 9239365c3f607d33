import { readFileSync } from "node:fs";

export type ExerciseFiles = { readonly starter: string; readonly solution: string; readonly description: string };

/** Reads starter.ts, solution.ts and description.md beside an exercise's index.ts. */
export function readExerciseFiles(exerciseModuleUrl: string): ExerciseFiles {
  const read = (file: string) => readFileSync(new URL(`./${file}`, exerciseModuleUrl), "utf8");
  return { starter: read("starter.ts"), solution: read("solution.ts"), description: read("description.md").trim() };
}

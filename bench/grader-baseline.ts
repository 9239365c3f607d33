import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { transform } from "esbuild";
import type { Exercise, ExerciseId, Value } from "../exercises/types.ts";
import { NDArray } from "../grader/np/index.ts";

type StudentFunction = (...args: unknown[]) => unknown;

/** The model solutions running bare in this process: the sandbox's work minus the sandbox. */
export interface BareSolution {
  /** Runs every case of every exercise once; returns the time spent inside the solution calls only. */
  runAll(): number;
}

const NP_URL = new URL("../grader/np/index.ts", import.meta.url).href;

export async function loadBareSolution(source: string, exercises: readonly Exercise[]): Promise<BareSolution> {
  const { code } = await transform(source, { loader: "ts", format: "esm", target: "es2022" });
  // The same helper module instance as the NDArray imported above, so args pass its instanceof checks.
  const pointed = code.replace(/(["'])@autograde\/np\1/g, JSON.stringify(NP_URL));
  const dir = mkdtempSync(join(tmpdir(), "autograde-bench-"));
  let module: Record<string, unknown>;
  try {
    const file = join(dir, "solution.mjs");
    writeFileSync(file, pointed);
    module = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const plan = exercises.map((exercise) => {
    const fn = module[exercise.id];
    if (typeof fn !== "function") throw new Error(`the model solution does not export ${exercise.id}`);
    return { id: exercise.id, fn: fn as StudentFunction, recipes: exercise.cases.map((c) => c.build()) };
  });

  return {
    runAll() {
      let callMs = 0;
      for (const { id, fn, recipes } of plan) {
        for (const recipe of recipes) {
          // A fresh copy per call, as the sandbox gives each case: solutions may write into their inputs.
          const args = recipe.map(toStudentValue);
          const started = performance.now();
          const result = fn(...args);
          callMs += performance.now() - started;
          if (result === undefined) throw new Error(`${id as ExerciseId} returned nothing`);
        }
      }
      return callMs;
    },
  };
}

function isTensor(value: Value): value is { shape: readonly number[]; data: Float64Array } {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as { data?: unknown }).data instanceof Float64Array;
}

function toStudentValue(value: Value): unknown {
  if (Array.isArray(value)) return value.map(toStudentValue);
  if (isTensor(value)) return new NDArray([...value.shape], value.data.slice());
  if (typeof value === "object" && value !== null) return { ...value };
  return value;
}

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import vm from "node:vm";
import { transform } from "esbuild";
import type { Exercise, ExerciseId, Value } from "../../exercises/types.ts";
import { compileSubmission } from "../../grader/compile.ts";
import { NDArray } from "../../grader/np/index.ts";
import { buildSandboxScripts } from "../../grader/sandbox/bundles.ts";

type StudentFunction = (...args: unknown[]) => unknown;
type Tensor = { shape: readonly number[]; data: Float64Array };

/** The model solutions running bare in this process: the sandbox's work minus the sandbox. */
export interface BareSolution {
  /** Runs every case of every exercise once; returns the time spent inside the solution calls only. */
  runAll(): number;
}

const NP_URL = new URL("../../grader/np/index.ts", import.meta.url).href;
const NP_PATH = new URL("../../grader/np/index.ts", import.meta.url).pathname;

/** Warm: one module instance for the whole bench, so after warm-up its functions run optimized. */
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
          const args = recipe.map((v) => toStudentValue(v, (shape, data) => new NDArray(shape, data)));
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

/**
 * Where a cold instance is evaluated. "this-context": the main context, so globals are ordinary and
 * only the JIT state is cold. "new-vm-context": a node:vm context per exercise, as close to the
 * sandbox's fresh context as Node offers, but its global object goes through interceptors that make
 * every built-in lookup slower than in an isolated-vm context.
 */
export type ColdRealm = "this-context" | "new-vm-context";

/**
 * Cold, like the sandbox: per run and per exercise the same helper bundle and compiled module the
 * isolate gets are evaluated anew, so every call starts with fresh feedback and unoptimized code.
 * The sources are made unique per run so V8's per-process compilation cache cannot share bytecode.
 */
export function loadColdBareSolution(source: string, exercises: readonly Exercise[], realm: ColdRealm): BareSolution {
  const compiled = compileSubmission(source, { maxSourceBytes: 16 * 1024 * 1024 });
  if (compiled.kind !== "ok") throw new Error(`the model solution does not compile: ${compiled.kind}`);
  const { helper } = buildSandboxScripts(NP_PATH, 1);
  const recipes = exercises.map((exercise) => ({ id: exercise.id, recipes: exercise.cases.map((c) => c.build()) }));
  let run = 0;

  return {
    runAll() {
      run++;
      let callMs = 0;
      for (const { id, recipes: cases } of recipes) {
        const context = realm === "new-vm-context" ? vm.createContext({}) : undefined;
        const evaluate = (code: string): unknown => (context ? vm.runInContext(code, context) : vm.runInThisContext(code));
        const np = evaluate(`${helper}\n//# run ${run}`) as { NDArray: new (shape: number[], data: Float64Array) => unknown };
        const factory = evaluate(`${compiled.code}\n//# run ${run}`) as (module: unknown, exports: unknown, require: unknown) => void;
        const module = { exports: {} as Record<string, unknown> };
        factory(module, module.exports, () => np);
        const fn = module.exports[id] as StudentFunction;
        const ContextFloat64Array = evaluate("Float64Array") as Float64ArrayConstructor;
        for (const recipe of cases) {
          const args = recipe.map((v) => toStudentValue(v, (shape, data) => new np.NDArray([...shape], new ContextFloat64Array(data))));
          const started = performance.now();
          const result = fn(...args);
          callMs += performance.now() - started;
          if (result === undefined) throw new Error(`${id} returned nothing`);
        }
      }
      return callMs;
    },
  };
}

function isTensor(value: Value): value is Tensor {
  return typeof value === "object" && value !== null && !Array.isArray(value) && (value as { data?: unknown }).data instanceof Float64Array;
}

function toStudentValue(value: Value, makeTensor: (shape: number[], data: Float64Array) => unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => toStudentValue(v, makeTensor));
  if (isTensor(value)) return makeTensor([...value.shape], value.data.slice());
  if (typeof value === "object" && value !== null) return { ...value };
  return value;
}

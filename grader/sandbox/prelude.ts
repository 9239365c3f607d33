/**
 * The trusted prelude. The worker bundles this file, its prelude-* helpers and grader/clip.ts
 * (ECMAScript built-ins only, no host APIs) and runs it first in every
 * fresh context, before the helper module and the student's code. It captures the built-ins it needs
 * while they are still pristine, because student code runs in the same context and may replace any
 * global, prototype method or accessor afterwards. Everything it hands back is plain data built here
 * (typed arrays, plain arrays and objects created with literals or defineProperty), never an object
 * the student made, so copying the answer out can run no student code and cannot explode in size.
 */
import { captureBuiltins } from "./prelude-builtins.ts";
import { closeUncountedMemory } from "./prelude-memory.ts";
import { createOutputConverter, type TakenResult } from "./prelude-output.ts";

export type { TakenResult } from "./prelude-output.ts";

type Pending = { kind: "returned"; value: unknown } | { kind: "threw"; error: unknown };
type ExportLookup =
  | { kind: "found"; name: string }
  | { kind: "not_function"; name: string; type: string }
  | { kind: "absent" }
  | { kind: "threw" };

const MAX_DEPTH = 64;
const HELPER_MODULE = "@autograde/np";

export function install(maxOutputElements: number): (op: string, arg?: unknown) => unknown {
  const builtins = captureBuiltins();
  const { reflectApply, objectKeys, isArray, ErrorCtor, tagOf, describeThrown } = builtins;
  const convertOutput = createOutputConverter(builtins, maxOutputElements);

  closeUncountedMemory(globalThis as Record<string, unknown>);

  let helper: Record<string, unknown> | undefined;
  let NDArray: (new (shape: number[], data: Float64Array) => unknown) | undefined;
  let moduleExports: unknown;
  let studentFunction: ((...args: unknown[]) => unknown) | undefined;
  let pending: Pending | undefined;

  // ---- inputs ----
  function toInput(value: unknown, depth: number): unknown {
    if (typeof value !== "object" || value === null || depth > MAX_DEPTH) return value;
    if (isArray(value)) {
      for (let i = 0; i < value.length; i++) value[i] = toInput(value[i], depth + 1);
      return value;
    }
    const record = value as Record<string, unknown>;
    if (NDArray !== undefined && isArray(record.shape) && tagOf(record.data) === "Float64Array") {
      return new NDArray(record.shape as number[], record.data as Float64Array);
    }
    const keys = objectKeys(record);
    for (let i = 0; i < keys.length; i++) record[keys[i]!] = toInput(record[keys[i]!], depth + 1);
    return record;
  }

  function requireHelper(specifier: unknown): unknown {
    if (specifier === HELPER_MODULE) return helper;
    throw new ErrorCtor(`only "${HELPER_MODULE}" can be imported in the sandbox, not ${describeThrown(specifier)}`);
  }

  const operations: Record<string, (arg: unknown) => unknown> = {
    setHelper(arg) {
      helper = arg as Record<string, unknown>;
      const ctor = helper.NDArray;
      NDArray = typeof ctor === "function" ? (ctor as typeof NDArray) : undefined;
      return true;
    },
    loadStudent(factory) {
      const module = { exports: {} as unknown };
      try {
        reflectApply(factory as () => void, undefined, [module, module.exports, requireHelper]);
        moduleExports = module.exports;
        return "ok";
      } catch (error) {
        pending = { kind: "threw", error };
        return "threw";
      }
    },
    resolveExport(names): ExportLookup {
      const list = names as string[];
      for (let i = 0; i < list.length; i++) {
        const name = list[i]!;
        let candidate: unknown;
        try {
          if (typeof moduleExports !== "object" && typeof moduleExports !== "function") return { kind: "absent" };
          if (moduleExports === null) return { kind: "absent" };
          candidate = (moduleExports as Record<string, unknown>)[name];
        } catch (error) {
          pending = { kind: "threw", error };
          return { kind: "threw" };
        }
        if (candidate === undefined) continue;
        if (typeof candidate !== "function") return { kind: "not_function", name, type: candidate === null ? "null" : typeof candidate };
        studentFunction = candidate as (...args: unknown[]) => unknown;
        return { kind: "found", name };
      }
      return { kind: "absent" };
    },
    runCase(args) {
      pending = undefined;
      try {
        const input = toInput(args, 0) as unknown[];
        const value = reflectApply(studentFunction!, undefined, input);
        pending = { kind: "returned", value };
      } catch (error) {
        pending = { kind: "threw", error };
      }
      return pending.kind;
    },
    takeResult(): TakenResult {
      const taken = pending;
      pending = undefined;
      if (taken === undefined) return { kind: "threw", message: "no result is pending" };
      if (taken.kind === "threw") return { kind: "threw", message: describeThrown(taken.error) };
      return convertOutput(taken.value);
    },
  };

  return (op, arg) => {
    const operation = operations[op];
    if (operation === undefined) throw new ErrorCtor(`unknown prelude operation ${op}`);
    return operation(arg);
  };
}

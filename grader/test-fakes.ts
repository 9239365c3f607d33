import type { CaseRecipe, Exercise, ExerciseId, ExpectedVariant, Value } from "../exercises/types.ts";
import type { GraderLog } from "./index.ts";
import type { SandboxJob, SandboxPool, SandboxResult } from "./sandbox/protocol.ts";

export type FakeTensor = { shape: number[]; data: Float64Array };

export const fakeTensor = (shape: number[], ...data: number[]): FakeTensor => ({ shape, data: Float64Array.from(data) });

export function fakeRecipe(name: string, visible: boolean, input: number[], onBuild: () => void = () => {}): CaseRecipe {
  return {
    name,
    visible,
    seed: 1,
    build: () => {
      onBuild();
      return [fakeTensor([input.length], ...input)];
    },
  };
}

/** Expects its input doubled; "pool_backward" also accepts it tripled, like the real assign/accumulate pair. */
export function fakeExercise(id: ExerciseId, points: number, recipes: CaseRecipe[]): Exercise {
  const scaled = (args: readonly Value[], k: number) => {
    const x = args[0] as FakeTensor;
    return { shape: x.shape, data: x.data.map((v) => v * k) };
  };
  return {
    id,
    title: `Fake ${id}`,
    points,
    description: "",
    signature: "",
    starter: "",
    solution: "",
    cases: recipes,
    tolerance: { atol: 1e-7, rtol: 1e-7 },
    caseTimeLimitMs: 1000,
    // Listed most specific first; "negated" and "times_four" never coincide on non-zero input.
    mistakes: [
      { id: `${id}/times_four`, hint: "doubled twice", kernel: (args) => [scaled(args, 4)] },
      { id: `${id}/negated`, hint: "sign flipped", kernel: (args) => [scaled(args, -2)] },
    ],
    expected: (args): ExpectedVariant[] =>
      id === "pool_backward" ? [{ name: "assign", value: scaled(args, 2) }, { name: "accumulate", value: scaled(args, 3) }] : [{ value: scaled(args, 2) }],
    select: (output) => (Array.isArray(output) ? { ok: true, value: output[0] as Value } : { ok: false, reason: "expected [out, cache]" }),
    printout: (value) => {
      const v = value as { data?: Float64Array };
      if (!(v?.data instanceof Float64Array)) throw new Error("not a tensor");
      return `first = ${v.data[0]}`;
    },
  };
}

/** A pool that answers every case by multiplying the input by `factor(exerciseId)`, recording jobs. */
export function fakePool(factor: (id: ExerciseId) => number = () => 2): SandboxPool & { jobs: SandboxJob[] } {
  const jobs: SandboxJob[] = [];
  return {
    jobs,
    async run(job): Promise<SandboxResult> {
      jobs.push(job);
      return {
        exercises: job.exercises.map((e) => ({
          id: e.id,
          kind: "ran",
          cases: e.cases.map((c) => {
            const x = c.args[0] as FakeTensor;
            return { kind: "returned", value: [{ shape: x.shape, data: x.data.map((v) => v * factor(e.id)) }, "cache"], durationMs: 1 };
          }),
        })),
        timings: { dispatchMs: 1, isolateMs: 2, runMs: 3 },
      };
    },
    async close() {},
    stats: () => ({ size: 1, busy: 0, queued: 0, restarts: 0 }),
  };
}

export function recordingLog(): GraderLog & { warnings: unknown[] } {
  const warnings: unknown[] = [];
  return { warnings, debug() {}, info() {}, warn: (obj) => void warnings.push(obj), error: (obj) => void warnings.push(obj) };
}

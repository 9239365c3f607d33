import ts from "typescript";
import { describe, expect, it } from "vitest";
import {
  EXERCISE_IDS,
  exercises,
  exportNames,
  getExercise,
  isExerciseId,
  solutionModule,
  starterModule,
  STUDENT_MODULE_HEADER,
  type ExerciseId,
} from "./index.ts";

const POINTS: Record<ExerciseId, number> = {
  zero_pad: 10,
  convolve_window: 10,
  conv_forward: 20,
  conv_backward: 15,
  pool_forward: 15,
  create_mask_from_window: 10,
  distribute_value: 5,
  pool_backward: 15,
};

/** Every other exercise's function a snippet calls by name. */
function calledExercises(snippet: string, self: ExerciseId): ExerciseId[] {
  return EXERCISE_IDS.filter((id) => id !== self && new RegExp(`\\b${id}\\s*\\(`).test(snippet));
}

describe("catalogue", () => {
  it("lists the eight ids once each, in course order", () => {
    expect(exercises.map((exercise) => exercise.id)).toEqual([
      "zero_pad",
      "convolve_window",
      "conv_forward",
      "conv_backward",
      "pool_forward",
      "create_mask_from_window",
      "distribute_value",
      "pool_backward",
    ]);
  });

  it("gives the spec's points, 100 in all", () => {
    expect(Object.fromEntries(exercises.map((exercise) => [exercise.id, exercise.points]))).toEqual(POINTS);
    expect(exercises.reduce((sum, exercise) => sum + exercise.points, 0)).toBe(100);
  });

  it.each(EXERCISE_IDS)("%s: metadata is complete", (id) => {
    const exercise = getExercise(id);
    expect(exercise.title.length).toBeGreaterThan(3);
    expect(exercise.description).toMatch(/^# /);
    expect(exercise.description).toMatch(/\*\*Example\.\*\*/);
    expect(exercise.tolerance).toEqual({ atol: 1e-7, rtol: 1e-7 });
    expect(exercise.caseTimeLimitMs).toBe(2000);
  });

  it.each(EXERCISE_IDS)("%s: the signature is one valid TypeScript declaration of the snake_case export", (id) => {
    const { signature } = getExercise(id);
    const source = ts.createSourceFile("signature.d.ts", `import type { NDArray } from "@autograde/np";\n${signature}`, ts.ScriptTarget.ES2022);
    const diagnostics = (source as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics;
    expect(diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"))).toEqual([]);
    const declarations = source.statements.filter(ts.isFunctionDeclaration);
    expect(declarations.map((d) => d.name?.text)).toEqual([id]);
    expect(signature).toMatch(/^export function /);
  });

  it("getExercise rejects an unknown id with a message naming it", () => {
    expect(() => getExercise("conv_sideways" as ExerciseId)).toThrow(/unknown exercise id "conv_sideways"/);
  });

  it.each([
    ["zero_pad", true],
    ["pool_backward", true],
    ["poolBackward", false],
    ["", false],
    ["toString", false],
  ])("isExerciseId(%j) is %s", (name, known) => {
    expect(isExerciseId(name)).toBe(known);
  });

  it.each([
    ["zero_pad", "zeroPad"],
    ["convolve_window", "convolveWindow"],
    ["conv_forward", "convForward"],
    ["create_mask_from_window", "createMaskFromWindow"],
    ["pool_backward", "poolBackward"],
  ] as const)("exportNames(%s) is the id then %s", (id, camel) => {
    expect(exportNames(id)).toEqual([id, camel]);
  });
});

describe("snippets and assembled modules", () => {
  it.each(EXERCISE_IDS.flatMap((id) => (["starter", "solution"] as const).map((kind) => [id, kind] as const)))(
    "%s %s: declares `export function <id>` and imports nothing",
    (id, kind) => {
      const snippet = getExercise(id)[kind];
      expect(snippet).toMatch(new RegExp(`export function ${id}\\s*\\(`));
      expect(snippet).not.toMatch(/^\s*import\s/m);
    },
  );

  it.each(EXERCISE_IDS)("%s: `uses` lists exactly the exercises its snippets call", (id) => {
    const exercise = getExercise(id);
    const called = new Set([...calledExercises(exercise.starter, id), ...calledExercises(exercise.solution, id)]);
    expect([...(exercise.uses ?? [])].sort()).toEqual([...called].sort());
  });

  it("starterModule() is the header then every starter in course order", () => {
    const module = starterModule();
    expect(module.startsWith(STUDENT_MODULE_HEADER)).toBe(true);
    const positions = EXERCISE_IDS.map((id) => module.indexOf(getExercise(id).starter.trim()));
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it("solutionModule() holds every solution once, after the header", () => {
    const module = solutionModule();
    expect(module.startsWith(STUDENT_MODULE_HEADER)).toBe(true);
    for (const id of EXERCISE_IDS) expect(module.match(new RegExp(`export function ${id}\\s*\\(`, "g"))).toHaveLength(1);
  });

  it.each([
    ["zero_pad alone", ["zero_pad"], ["zero_pad"]],
    ["conv_forward brings zero_pad and convolve_window", ["conv_forward"], ["zero_pad", "convolve_window", "conv_forward"]],
    ["pool_backward brings the mask and distribute helpers", ["pool_backward"], ["create_mask_from_window", "distribute_value", "pool_backward"]],
    ["out-of-order request comes back in course order", ["distribute_value", "zero_pad"], ["zero_pad", "distribute_value"]],
  ] as const)("solutionModule: %s", (_name, requested, included) => {
    const module = solutionModule(requested);
    const declared = EXERCISE_IDS.map((id) => ({ id, at: module.search(new RegExp(`export function ${id}\\s*\\(`)) }))
      .filter(({ at }) => at >= 0)
      .sort((a, b) => a.at - b.at)
      .map(({ id }) => id);
    expect(declared).toEqual(included);
  });

  it("starterModule rejects an unknown id", () => {
    expect(() => starterModule(["conv_sideways" as ExerciseId])).toThrow(/unknown exercise id/);
  });
});

/** The parameter names of the exported function `name` declared in `text` (a snippet or a signature). */
function exportedParameters(text: string, name: string): string[] | undefined {
  const file = ts.createSourceFile(`${name}.ts`, text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const fn = file.statements.find(
    (s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name && (s.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false),
  );
  return fn?.parameters.map((p) => p.name.getText(file));
}

describe("signatures", () => {
  it.each(EXERCISE_IDS)("%s: the signature's parameter names are the starter's and the solution's", (id) => {
    const exercise = getExercise(id);
    const declared = exportedParameters(exercise.signature, id);
    expect(declared?.length, exercise.signature).toBeGreaterThan(0);
    expect(exportedParameters(exercise.starter, id)).toEqual(declared);
    expect(exportedParameters(exercise.solution, id)).toEqual(declared);
  });
});

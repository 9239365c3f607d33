import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { exercises, getExercise, solutionModule, STUDENT_MODULE_HEADER } from "../exercises/index.ts";
import { createTypeChecker } from "./typecheck.ts";

// One checker for the file: the first check pays for parsing the lib files.
const checker = createTypeChecker();
const zeroPad = getExercise("zero_pad");
const convolveWindow = getExercise("convolve_window");

describe("typecheck against the exercise signatures and @autograde/np", () => {
  it("finds nothing to say about the assembled model solution", () => {
    expect(checker.check(solutionModule(), exercises)).toEqual([]);
  });

  it("reports a type error in a function body as a warning at its line and column", () => {
    const source = `${STUDENT_MODULE_HEADER}export function zero_pad(X: NDArray, pad: number): NDArray {\n  const label: string = pad;\n  return X;\n}\n`;
    const headerLines = STUDENT_MODULE_HEADER.split("\n").length - 1;
    expect(checker.check(source, [zeroPad])).toEqual([
      { line: headerLines + 2, column: 9, severity: "warning", message: "Type 'number' is not assignable to type 'string'." },
    ]);
  });

  it("flags an export whose type does not fit the signature, at the export's name, camelCase alias included", () => {
    const source = `${STUDENT_MODULE_HEADER}export function convolveWindow(a: NDArray, W: NDArray): string {\n  return "x";\n}\n`;
    const [warning, ...rest] = checker.check(source, [convolveWindow]);
    expect(rest).toEqual([]);
    expect(warning?.line).toBe(STUDENT_MODULE_HEADER.split("\n").length);
    expect(warning?.column).toBe(17);
    expect(warning?.message).toMatch(/^convolveWindow does not match the exercise's signature: expected \(.*\) => number, got \(a: NDArray, W: NDArray\) => string$/);
  });

  it("says nothing about exercises the submission does not export (the sandbox reports them missing)", () => {
    expect(checker.check(`${STUDENT_MODULE_HEADER}export const unrelated = 1;\n`, exercises)).toEqual([]);
  });

  it("reports an unknown module as a warning too", () => {
    const [warning] = checker.check(`import { x } from "fs";\nexport const y = x;\n`, []);
    expect(warning).toMatchObject({ line: 1, column: 19, severity: "warning" });
    expect(warning?.message).toMatch(/Cannot find module 'fs'/);
  });

  it("caps a wall of warnings and says how many were left out", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `export const v${i}: string = ${i};`).join("\n");
    const found = checker.check(lines, []);
    expect(found).toHaveLength(51);
    expect(found.at(-1)?.message).toBe("10 more type warnings not shown");
  });

  it("reads the lib and helper declarations once per checker, not once per submission", () => {
    const reads: string[] = [];
    const counting = createTypeChecker({ readFile: (path) => (reads.push(path), readFileSync(path, "utf8")) });
    counting.check(solutionModule(["zero_pad"]), [zeroPad]);
    const afterFirst = reads.length;
    counting.check(solutionModule(["convolve_window"]), [convolveWindow]);
    expect(afterFirst).toBeGreaterThan(1);
    expect(reads.length).toBe(afterFirst);
  });
});

import { afterAll, describe, expect, it } from "vitest";
import { getExercise, STUDENT_MODULE_HEADER } from "../exercises/index.ts";
import { createThreadedTypeChecker } from "./typecheck-thread.ts";

const zeroPad = getExercise("zero_pad");
const wrongType = `${STUDENT_MODULE_HEADER}export function zero_pad(X: NDArray, pad: number): NDArray {\n  const label: string = pad;\n  return X;\n}\n`;
const headerLines = STUDENT_MODULE_HEADER.split("\n").length - 1;

describe("the type checker's own thread", () => {
  const checker = createThreadedTypeChecker({ timeoutMs: 60_000 });
  afterAll(() => checker.close());

  it("reports the same warnings as the checker does on the caller's thread", async () => {
    expect(await checker.check(wrongType, [zeroPad])).toEqual([
      { line: headerLines + 2, column: 9, severity: "warning", message: "Type 'number' is not assignable to type 'string'." },
    ]);
  });

  it("answers concurrent checks each with its own warnings", async () => {
    const clean = `${STUDENT_MODULE_HEADER}export function zero_pad(X: NDArray, pad: number): NDArray {\n  return np.pad(X, [[0, 0], [pad, pad], [pad, pad], [0, 0]]);\n}\n`;
    const [a, b] = await Promise.all([checker.check(clean, [zeroPad]), checker.check(wrongType, [zeroPad])]);
    expect(a).toEqual([]);
    expect(b).toHaveLength(1);
  });
});

describe("a check past its deadline", () => {
  it("is reported as skipped, and the next check runs on a fresh thread", async () => {
    // 1 ms is far less than loading TypeScript takes, so the first check cannot finish in time.
    const impatient = createThreadedTypeChecker({ timeoutMs: 1 });
    const [first] = await impatient.check(wrongType, [zeroPad]);
    expect(first).toEqual({ line: 1, column: 1, severity: "warning", message: "type check skipped: it took longer than 1 ms" });
    await impatient.close();

    const patient = createThreadedTypeChecker({ timeoutMs: 60_000 });
    expect(await patient.check(wrongType, [zeroPad])).toHaveLength(1);
    await patient.close();
  });

  it("close() answers checks still waiting instead of leaving them hanging", async () => {
    const checker = createThreadedTypeChecker({ timeoutMs: 60_000 });
    const waiting = checker.check(wrongType, [zeroPad]);
    await checker.close();
    expect(await waiting).toEqual([{ line: 1, column: 1, severity: "warning", message: "type check skipped: the grader is closing" }]);
  });
});

describe("a submission nested deeper than the checker's stack", () => {
  it("is a skipped check, and the thread goes on checking", async () => {
    const checker = createThreadedTypeChecker({ timeoutMs: 60_000 });
    const deep = `export const deep = ${"[".repeat(100_000)}${"]".repeat(100_000)};\n`;
    expect(await checker.check(deep, [zeroPad])).toEqual([
      { line: 1, column: 1, severity: "warning", message: "type check skipped: the checker failed (Maximum call stack size exceeded)" },
    ]);
    expect(await checker.check(wrongType, [zeroPad])).toHaveLength(1);
    await checker.close();
  });
});

describe("a checker limited to a share of a core", () => {
  it("skips, with a warning, a check arriving while two are in the thread or too soon after, and checks again once its share allows", async () => {
    let clock = 0;
    const checker = createThreadedTypeChecker({ timeoutMs: 60_000, maxBusyPercent: 25, now: () => clock });
    const other = (n: number) => `${wrongType}// ${n}\n`;
    const first = checker.check(other(1), [zeroPad]);
    const second = checker.check(other(2), [zeroPad]);
    const during = await checker.check(other(5), [zeroPad]);
    expect(during).toEqual([{ line: 1, column: 1, severity: "warning", message: expect.stringMatching(/^type check skipped: the grader is busy/) }]);
    clock = 100;
    expect(await first).toHaveLength(1);
    expect(await second).toHaveLength(1);
    // The check took 100 ms of the clock, so at 25 % the next may start 300 ms after it ended.
    clock = 399;
    expect((await checker.check(other(3), [zeroPad]))[0]!.message).toMatch(/^type check skipped/);
    clock = 400;
    expect((await checker.check(other(4), [zeroPad]))[0]!.message).toBe("Type 'number' is not assignable to type 'string'.");
    await checker.close();
  });

  it("answers a source it checked before from its results, busy or not", async () => {
    let clock = 0;
    const checker = createThreadedTypeChecker({ timeoutMs: 60_000, maxBusyPercent: 1, now: () => clock });
    const pending = checker.check(wrongType, [zeroPad]);
    clock = 10;
    const checked = await pending;
    clock = 11;
    expect(await checker.check(wrongType, [zeroPad])).toEqual(checked);
    expect((await checker.check(`${wrongType}// changed\n`, [zeroPad]))[0]!.message).toMatch(/^type check skipped/);
    await checker.close();
  });
});

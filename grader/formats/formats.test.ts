import { XMLParser, XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { COMPILE_ERROR_CASE_MESSAGE, notRunReason, report as reportSchema, type Report } from "../report.ts";
import { formatJunit, formatText, formatters, REPORT_FORMATS } from "./index.ts";
import { toGradescope } from "./gradescope.ts";
import { escapeXml } from "./junit.ts";

const nasty = `threw: <script>"a" & 'b'</script>\u0000\u0007 ]]> end`;

const sample: Report = {
  score: 16,
  maxScore: 35,
  exercises: [
    {
      id: "zero_pad",
      title: "Zero padding",
      score: 6,
      maxScore: 10,
      status: "partial",
      cases: [
        { name: "worksheet x=[4,3,3,2] pad=2", visible: true, outcome: "passed", message: "passed", printout: { got: "x_pad.shape = (4, 7, 7, 2)", expected: "x_pad.shape = (4, 7, 7, 2)" }, durationMs: 1.5 },
        { name: "x=[1,5,3,1] pad=1", visible: false, outcome: "wrong", message: "expected shape (1, 7, 5, 1), got (1, 5, 3, 1)", durationMs: 0.4 },
        { name: "worksheet-like x=[2,3,3,2] pad=1", visible: true, outcome: "wrong", message: "expected shape (2, 5, 5, 2), got (2, 3, 3, 2)", printout: { got: "x_pad.shape = (2, 3, 3, 2)", expected: "x_pad.shape = (2, 5, 5, 2)\nx_pad[1,1] = [0. 0.]" } },
        { name: "x=[2,2,2,2] pad=0", visible: false, outcome: "passed", message: "passed" },
        { name: "x=[3,4,4,1] pad=3", visible: false, outcome: "passed", message: "passed" },
      ],
    },
    {
      id: "pool_backward",
      title: "Pooling backward",
      score: 10,
      maxScore: 15,
      status: "partial",
      cases: [
        { name: "worksheet mode=max", visible: true, outcome: "passed", message: "passed: matches the accumulate answer", variant: "accumulate" },
        { name: "x=[1,4,4,1] f=2 s=1 mode=average", visible: false, outcome: "passed", message: "passed: matches the assign answer", variant: "assign" },
        { name: "big <&> case", visible: false, outcome: "timeout", message: "did not finish within the 2000 ms time limit" },
      ],
    },
    {
      id: "distribute_value",
      title: "Distribute value",
      score: 0,
      maxScore: 10,
      status: "failed",
      message: "the module failed to load: boom",
      cases: [
        { name: "dz=2 shape=[2,2]", visible: true, outcome: "error", message: nasty },
        { name: "dz=-1 shape=[3,1]", visible: false, outcome: "memory_limit", message: "exceeded the 128 MB memory limit" },
      ],
    },
  ],
  diagnostics: [{ line: 3, column: 9, severity: "warning", message: "Type 'number' is not assignable to type 'string'." }],
  timings: { totalMs: 1234, compileMs: 3, typecheckMs: 20, dispatchMs: 1, isolateMs: 2, runMs: 900, compareMs: 5 },
};

describe("report fixture", () => {
  it("satisfies the report schema", () => {
    expect(reportSchema.parse(sample)).toEqual(sample);
  });
});

describe("json", () => {
  it("round-trips to the same report", () => {
    expect(reportSchema.parse(JSON.parse(formatters.json(sample)))).toEqual(sample);
  });
});

describe("junit", () => {
  const xml = formatters.junit(sample);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property"].includes(name) }).parse(xml);
  const suites = parsed.testsuites.testsuite as { name: string; tests: string; failures: string; errors: string; testcase: Record<string, unknown>[] }[];

  it("is well-formed XML despite control characters and markup in messages", () => {
    expect(XMLValidator.validate(xml)).toBe(true);
  });
  it("has one testcase per case with classname = exercise id", () => {
    const rows = suites.flatMap((s) => s.testcase.map((c) => [c.classname, c.name]));
    const expected = sample.exercises.flatMap((e) => e.cases.map((c) => [e.id, c.name]));
    expect(rows).toEqual(expected);
  });
  it("counts failures (wrong) and errors (error, timeout, memory) per suite and overall", () => {
    expect(suites.map((s) => [s.name, s.tests, s.failures, s.errors])).toEqual([
      ["zero_pad", "5", "2", "0"],
      ["pool_backward", "3", "0", "1"],
      ["distribute_value", "2", "0", "2"],
    ]);
    expect([parsed.testsuites.tests, parsed.testsuites.failures, parsed.testsuites.errors]).toEqual(["10", "2", "3"]);
  });
  it("carries the message on failures and errors, unescaped back to the original text", () => {
    const wrong = suites[0]?.testcase[1] as { failure: { message: string; type: string } };
    expect(wrong.failure.message).toBe("expected shape (1, 7, 5, 1), got (1, 5, 3, 1)");
    const errored = suites[2]?.testcase[0] as { error: { message: string; type: string } };
    expect(errored.error.type).toBe("error");
    expect(errored.error.message).toBe(nasty.replace(/[\u0000\u0007]/g, "\uFFFD"));
    const timedOut = suites[1]?.testcase[2] as { name: string; error: { type: string } };
    expect([timedOut.name, timedOut.error.type]).toEqual(["big <&> case", "timeout"]);
  });
  it.each([
    ["&", "&amp;"],
    ["<a>", "&lt;a&gt;"],
    [`"'`, "&quot;&apos;"],
    ["\u0001", "\uFFFD"],
    ["\uD83D\uDE00", "\uD83D\uDE00"],
    ["\uD83D", "\uFFFD"],
  ])("escapeXml(%j) = %j", (input, output) => expect(escapeXml(input)).toBe(output));
});

describe("gradescope", () => {
  const results = JSON.parse(formatters.gradescope(sample)) as ReturnType<typeof toGradescope>;

  it("has the documented top-level shape and the report's score", () => {
    expect(Object.keys(results).sort()).toEqual(["output", "score", "tests", "visibility"]);
    expect(results.score).toBe(sample.score);
    expect(results.output).toContain("zero_pad: 6/10 (partial)");
    expect(results.output).toContain("line 3, column 9: warning");
  });
  it("has one test per case, hidden cases visible only after publishing", () => {
    expect(results.tests.map((t) => [t.name, t.visibility])).toEqual(
      sample.exercises.flatMap((e) => e.cases.map((c) => [`${e.id}: ${c.name}`, c.visible ? "visible" : "after_published"])),
    );
  });
  it("splits each exercise's points equally so passed tests add up to the score", () => {
    const byExercise = (id: string) => results.tests.filter((t) => t.tags.includes(id));
    for (const e of sample.exercises) {
      const tests = byExercise(e.id);
      expect(tests.reduce((s, t) => s + t.max_score, 0)).toBeCloseTo(e.maxScore, 3);
      expect(tests.reduce((s, t) => s + t.score, 0)).toBeCloseTo(e.score, 3);
      expect(tests.map((t) => t.status)).toEqual(e.cases.map((c) => (c.outcome === "passed" ? "passed" : "failed")));
    }
  });
  it("puts the printout of visible cases in their output", () => {
    expect(results.tests[0]?.output).toContain("yours:    x_pad.shape = (4, 7, 7, 2)");
  });
});

describe("text", () => {
  const text = formatters.text(sample);
  it("has a line per exercise with score and status", () => {
    expect(text).toContain("zero_pad (Zero padding): 6/10 partial");
    expect(text).toContain("pool_backward (Pooling backward): 10/15 partial");
  });
  it("marks hidden cases and shows reasons, printouts, variants and diagnostics", () => {
    expect(text).toMatch(/FAIL\s+x=\[1,5,3,1\] pad=1 \(hidden\)\n\s+expected shape \(1, 7, 5, 1\), got \(1, 5, 3, 1\)/);
    expect(text).toMatch(/PASS\s+worksheet x=\[4,3,3,2\] pad=2\n\s+printout: x_pad.shape = \(4, 7, 7, 2\)\n/);
    expect(text).toMatch(/yours:    x_pad.shape = \(2, 3, 3, 2\)\n {10}expected: x_pad.shape = \(2, 5, 5, 2\)\n {20}x_pad\[1,1\] = \[0. 0.\]\n/);
    expect(text).toContain("PASS    worksheet mode=max [matches accumulate]");
    expect(text).toContain("3:9 warning: Type 'number'");
    expect(text.trimEnd().endsWith("score: 16/35")).toBe(true);
  });
});

describe("every format", () => {
  it.each(REPORT_FORMATS)("%s ends with a newline and is not empty", (format) => {
    const out = formatters[format](sample);
    expect(out.length).toBeGreaterThan(100);
    expect(out.endsWith("\n")).toBe(true);
  });
});

describe("a diagnosed mistake and the catalogue version", () => {
  const mistake = { id: "zero_pad/pads_one_side_only", hint: "Your padding is on one side of each image only." };
  const zeroPad = sample.exercises[0]!;
  const diagnosed: Report = {
    ...sample,
    catalogueVersion: "0123456789ab",
    exercises: [
      { ...zeroPad, cases: zeroPad.cases.map((c) => (c.outcome === "wrong" ? { ...c, mistake } : c)) },
      sample.exercises[1]!,
      { ...sample.exercises[2]!, mistake: { id: "distribute_value/divides_by_n_h_only", hint: "Rows only." } },
    ],
  };
  const hidden = diagnosed.exercises[0]!.cases[1]!;

  it("satisfies the report schema", () => {
    expect(reportSchema.parse(diagnosed)).toEqual(diagnosed);
  });

  it("text: the hint under each diagnosed case, once per exercise when all share it, and the version", () => {
    const text = formatText(diagnosed);
    expect(text).toMatch(/FAIL\s+x=\[1,5,3,1\] pad=1 \(hidden\)\n\s+expected shape \(1, 7, 5, 1\), got \(1, 5, 3, 1\)\n\s+likely mistake: Your padding is on one side of each image only\. \[zero_pad\/pads_one_side_only\]/);
    expect(text).toContain("every failing case: likely mistake: Rows only. [distribute_value/divides_by_n_h_only]");
    expect(text).toContain("catalogue version: 0123456789ab");
    expect(formatText(sample)).not.toContain("likely mistake");
  });

  it("junit: the hint in the failure message", () => {
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase", "property"].includes(name) }).parse(formatJunit(diagnosed));
    const suite = parsed.testsuites.testsuite[0] as { testcase: { failure?: { message: string } }[]; properties: { property: { name: string; value: string }[] } };
    expect(suite.testcase[1]?.failure?.message).toBe(`${hidden.message}; likely mistake: ${mistake.hint} [${mistake.id}]`);
    expect(suite.properties.property).toContainEqual({ name: "catalogueVersion", value: "0123456789ab" });
  });

  it("gradescope: the hint in the test's output and the exercise's mistake and version in the summary", () => {
    const results = toGradescope(diagnosed);
    expect(results.tests[1]?.output).toBe(`${hidden.message}\nlikely mistake: ${mistake.hint} [${mistake.id}]`);
    expect(results.output).toContain("distribute_value: 0/10 (failed); likely mistake: Rows only. [distribute_value/divides_by_n_h_only]");
    expect(results.output).toContain("catalogue version: 0123456789ab");
  });
});

describe("an exercise whose cases never ran", () => {
  // A student's redacted report: the hidden cases' messages say "threw" although nothing ran.
  const compileError: Report = {
    ...sample,
    score: 0,
    exercises: [
      {
        id: "zero_pad",
        title: "Zero padding",
        score: 0,
        maxScore: 10,
        status: "compile_error",
        message: "the module did not compile, so no case ran (see the compiler's message)",
        cases: [
          { name: "worksheet", visible: true, outcome: "error", message: COMPILE_ERROR_CASE_MESSAGE },
          { name: "x=[1,5,3,1] pad=1", visible: false, outcome: "error", message: "your code threw an error on this hidden case" },
          { name: "x=[2,2,2,2] pad=0", visible: false, outcome: "error", message: "your code threw an error on this hidden case" },
        ],
      },
      { id: "conv_forward", title: "Convolution forward", score: 0, maxScore: 10, status: "missing", message: "conv_forward is not exported", cases: [{ name: "c1", visible: false, outcome: "error", message: "your code threw an error on this hidden case" }] },
    ],
    diagnostics: [{ line: 10, column: 9, severity: "error", message: `Expected ";" but found "n"` }],
  };

  it("text: one NOT RUN line per exercise, no per-case ERROR rows and no 'threw'", () => {
    const text = formatText(compileError);
    expect(text).toContain(`NOT RUN 3 cases: ${COMPILE_ERROR_CASE_MESSAGE.replace("not run: ", "")}`);
    expect(text).toContain("NOT RUN 1 case: conv_forward is not exported");
    expect(text).not.toMatch(/ERROR|threw/);
    expect(text).toContain(`10:9 error: Expected ";" but found "n"`);
  });

  it("junit: the cases are skipped with the reason, counted neither as errors nor failures", () => {
    const xml = formatJunit(compileError);
    expect(XMLValidator.validate(xml)).toBe(true);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "", isArray: (name) => ["testsuite", "testcase"].includes(name) }).parse(xml);
    expect([parsed.testsuites.tests, parsed.testsuites.errors, parsed.testsuites.failures, parsed.testsuites.skipped]).toEqual(["4", "0", "0", "4"]);
    const cases = parsed.testsuites.testsuite[0].testcase as { skipped: { message: string }; error?: unknown }[];
    expect(cases.map((c) => [c.skipped.message, c.error])).toEqual(cases.map(() => [COMPILE_ERROR_CASE_MESSAGE, undefined]));
    expect(xml).not.toContain("threw");
  });

  it("gradescope: each test fails with 'not run' as its output", () => {
    const results = toGradescope(compileError);
    expect(results.tests.map((t) => [t.status, t.output])).toEqual([
      ...compileError.exercises[0]!.cases.map(() => ["failed", COMPILE_ERROR_CASE_MESSAGE]),
      ["failed", "not run: conv_forward is not exported"],
    ]);
    expect(JSON.stringify(results)).not.toContain("threw");
  });

  it("notRunReason: only compile_error and missing", () => {
    expect(compileError.exercises.map(notRunReason)).toEqual([COMPILE_ERROR_CASE_MESSAGE, "not run: conv_forward is not exported"]);
    expect(sample.exercises.map(notRunReason)).toEqual([null, null, null]);
  });
});

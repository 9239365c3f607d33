import { clipText, MAX_STUDENT_TEXT_CHARS } from "./clip.ts";
import { notRunReason, type CaseReport, type Diagnostic, type ExerciseReport, type Report } from "./report.ts";

/** How long each message may stay once a report over its size cap is being cut down. */
const DEGRADED_MESSAGE_CHARS = 200;

const GENERIC_MESSAGES: Record<CaseReport["outcome"], string> = {
  passed: "passed",
  wrong: "wrong answer",
  error: "threw an error",
  timeout: "time limit exceeded",
  memory_limit: "memory limit exceeded",
};

const mapCases = (report: Report, f: (c: CaseReport, e: ExerciseReport) => CaseReport): Report => ({
  ...report,
  exercises: report.exercises.map((e) => ({ ...e, cases: e.cases.map((c) => f(c, e)) })),
});

const clipDiagnostic = (d: Diagnostic, maxChars: number): Diagnostic => ({ ...d, message: clipText(d.message, maxChars) });

/**
 * Every text in the report that student code can influence, clipped. The sandbox and the checkers
 * clip where they make a message; this is the host's second line, for whatever a message was built
 * from on the way (descriptions of returned values, printouts of them).
 */
export function clipReportText(report: Report, maxChars: number = MAX_STUDENT_TEXT_CHARS): Report {
  const clipped = mapCases(report, (c) => ({
    ...c,
    message: clipText(c.message, maxChars),
    ...(c.printout ? { printout: { got: clipText(c.printout.got, maxChars), expected: clipText(c.printout.expected, maxChars) } } : {}),
  }));
  return {
    ...clipped,
    exercises: clipped.exercises.map((e) => (e.message === undefined ? e : { ...e, message: clipText(e.message, maxChars) })),
    diagnostics: report.diagnostics.map((d) => clipDiagnostic(d, maxChars)),
  };
}

export const reportBytes = (report: Report): number => Buffer.byteLength(JSON.stringify(report), "utf8");

/** Each step keeps scores, statuses and outcomes; later steps give up more detail than earlier ones. */
const STEPS: readonly { readonly dropped: string; readonly apply: (r: Report) => Report }[] = [
  {
    dropped: "printouts",
    apply: (r) => mapCases(r, ({ printout: _printout, ...c }) => c),
  },
  {
    dropped: `messages beyond ${DEGRADED_MESSAGE_CHARS} characters`,
    apply: (r) => {
      const cut = mapCases(r, (c) => ({ ...c, message: clipText(c.message, DEGRADED_MESSAGE_CHARS) }));
      return {
        ...cut,
        exercises: cut.exercises.map((e) => (e.message === undefined ? e : { ...e, message: clipText(e.message, DEGRADED_MESSAGE_CHARS) })),
        diagnostics: cut.diagnostics.map((d) => clipDiagnostic(d, DEGRADED_MESSAGE_CHARS)),
      };
    },
  },
  { dropped: "diagnostics", apply: (r) => ({ ...r, diagnostics: [] }) },
  { dropped: "case messages", apply: (r) => mapCases(r, (c, e) => ({ ...c, message: notRunReason(e) ?? GENERIC_MESSAGES[c.outcome] })) },
];

/**
 * A report over `maxBytes` (as JSON) is cut down, step by step, until it fits, and says so in a
 * warning: stored and served reports stay small whatever the submission printed or threw. What is
 * left after the last step (names, outcomes, scores) comes from the catalogue, not the student.
 */
export function limitReportSize(report: Report, maxBytes: number): Report {
  const originalBytes = reportBytes(report);
  if (originalBytes <= maxBytes) return report;
  const dropped: string[] = [];
  let current = report;
  let noted = report;
  for (const step of STEPS) {
    current = step.apply(current);
    dropped.push(step.dropped);
    const note: Diagnostic = {
      line: 1,
      column: 1,
      severity: "warning",
      message: `the report was ${originalBytes} bytes, over the limit of ${maxBytes} bytes: ${dropped.join(", ")} were left out`,
    };
    noted = { ...current, diagnostics: [note, ...current.diagnostics] };
    if (reportBytes(noted) <= maxBytes) break;
  }
  return noted;
}

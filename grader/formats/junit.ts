import { describeMistake, notRunReason, type CaseReport, type ExerciseReport, type FormattableReport } from "../report.ts";

// XML 1.0 forbids these code points even when escaped; a student's thrown message may contain them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function escapeXml(text: string): string {
  return text
    .replace(INVALID_XML, "\uFFFD")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function seconds(ms: number | undefined): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

function caseBody(c: CaseReport): string {
  const details = c.printout ? `${c.message}\nyours: ${c.printout.got}\nexpected: ${c.printout.expected}` : c.message;
  switch (c.outcome) {
    case "passed":
      return c.printout || c.variant ? `<system-out>${escapeXml(details)}</system-out>` : "";
    case "wrong": {
      const message = c.mistake ? `${c.message}; ${describeMistake(c.mistake)}` : c.message;
      return `<failure message="${escapeXml(message)}" type="wrong">${escapeXml(c.mistake ? `${details}\n${describeMistake(c.mistake)}` : details)}</failure>`;
    }
    default:
      return `<error message="${escapeXml(c.message)}" type="${c.outcome}">${escapeXml(details)}</error>`;
  }
}

/**
 * One <testsuite> per exercise and one <testcase> per case, classname = exercise id. The cases of an
 * exercise that never ran (compile error, missing export) are <skipped>, neither errors nor failures.
 */
export function formatJunit(report: FormattableReport): string {
  const skippedIn = new Set(report.exercises.filter((e) => notRunReason(e) !== null).flatMap((e) => e.cases));
  const count = (cases: readonly CaseReport[], pred: (c: CaseReport) => boolean) => cases.filter(pred).length;
  const all = report.exercises.flatMap((e) => e.cases);
  const isFailure = (c: CaseReport) => c.outcome === "wrong" && !skippedIn.has(c);
  const isError = (c: CaseReport) => c.outcome !== "wrong" && c.outcome !== "passed" && !skippedIn.has(c);
  const isSkipped = (c: CaseReport) => skippedIn.has(c);
  const body = (e: ExerciseReport, c: CaseReport) => {
    const notRun = notRunReason(e);
    return notRun ? `<skipped message="${escapeXml(notRun)}"/>` : caseBody(c);
  };
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<testsuites name="autograde" tests="${all.length}" failures="${count(all, isFailure)}" errors="${count(all, isError)}" skipped="${count(all, isSkipped)}" time="${seconds(report.timings?.totalMs ?? all.reduce((t, c) => t + (c.durationMs ?? 0), 0))}">`,
  ];
  for (const e of report.exercises) {
    const time = e.cases.reduce((t, c) => t + (c.durationMs ?? 0), 0);
    lines.push(
      `  <testsuite name="${escapeXml(e.id)}" tests="${e.cases.length}" failures="${count(e.cases, isFailure)}" errors="${count(e.cases, isError)}" skipped="${count(e.cases, isSkipped)}" time="${seconds(time)}">`,
      `    <properties><property name="score" value="${e.score}"/><property name="maxScore" value="${e.maxScore}"/><property name="status" value="${e.status}"/>${e.mistake ? `<property name="mistake" value="${escapeXml(e.mistake.id)}"/>` : ""}${report.catalogueVersion ? `<property name="catalogueVersion" value="${escapeXml(report.catalogueVersion)}"/>` : ""}</properties>`,
    );
    for (const c of e.cases) {
      const open = `    <testcase name="${escapeXml(c.name)}" classname="${escapeXml(e.id)}" time="${seconds(c.durationMs)}"`;
      const inner = body(e, c);
      lines.push(inner ? `${open}>${inner}</testcase>` : `${open}/>`);
    }
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>");
  return `${lines.join("\n")}\n`;
}

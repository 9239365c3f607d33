import { describeMistake, notRunReason, type CaseReport, type FormattableReport } from "../report.ts";
import { formatScore } from "../round-score.ts";

const MARKS: Record<CaseReport["outcome"], string> = {
  passed: "PASS",
  wrong: "FAIL",
  error: "ERROR",
  timeout: "TIMEOUT",
  memory_limit: "MEMORY",
};

const PAD = " ".repeat(10);

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? line : prefix + line))
    .join("\n");
}

/** A terminal-friendly summary; visible cases show the worksheet's printout beside the expected one. */
export function formatText(report: FormattableReport): string {
  const lines: string[] = [];
  for (const exercise of report.exercises) {
    lines.push(`${exercise.id} (${exercise.title}): ${formatScore(exercise.score)}/${exercise.maxScore} ${exercise.status}`);
    const notRun = notRunReason(exercise);
    if (notRun && exercise.cases.length > 0) {
      // No case ran: one line says so (with the reason), rather than a row per case that reads like the code failed it.
      lines.push(`  NOT RUN ${exercise.cases.length} case${exercise.cases.length === 1 ? "" : "s"}: ${notRun.replace(/^not run: /, "")}`);
      continue;
    }
    if (exercise.message) lines.push(`  ${exercise.message}`);
    if (exercise.mistake) lines.push(`  every failing case: ${describeMistake(exercise.mistake)}`);
    for (const c of exercise.cases) {
      const label = c.visible ? c.name : `${c.name} (hidden)`;
      const matched = c.outcome === "passed" && c.variant ? ` [matches ${c.variant}]` : "";
      lines.push(`  ${MARKS[c.outcome].padEnd(7)} ${label}${matched}`);
      if (c.outcome !== "passed") lines.push(`${PAD}${indent(c.message, PAD)}`);
      if (c.mistake && !exercise.mistake) lines.push(`${PAD}${indent(describeMistake(c.mistake), PAD)}`);
      if (c.printout && c.printout.got === c.printout.expected) {
        lines.push(`${PAD}printout: ${indent(c.printout.got, `${PAD}          `)}`);
      } else if (c.printout) {
        lines.push(`${PAD}yours:    ${indent(c.printout.got, `${PAD}          `)}`);
        lines.push(`${PAD}expected: ${indent(c.printout.expected, `${PAD}          `)}`);
      }
    }
  }
  if (report.diagnostics.length > 0) {
    lines.push("", "diagnostics:");
    for (const d of report.diagnostics) lines.push(`  ${d.line}:${d.column} ${d.severity}: ${indent(d.message, "    ")}`);
  }
  if (report.catalogueVersion) lines.push("", `catalogue version: ${report.catalogueVersion}`);
  lines.push("", `score: ${formatScore(report.score)}/${report.maxScore}`);
  return `${lines.join("\n")}\n`;
}

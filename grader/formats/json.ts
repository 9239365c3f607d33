import type { FormattableReport } from "../report.ts";

export function formatJson(report: FormattableReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

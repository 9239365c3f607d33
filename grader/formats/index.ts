import type { FormattableReport } from "../report.ts";
import { formatGradescope } from "./gradescope.ts";
import { formatJson } from "./json.ts";
import { formatJunit } from "./junit.ts";
import { formatText } from "./text.ts";

export const REPORT_FORMATS = ["json", "text", "junit", "gradescope"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function isReportFormat(s: string): s is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(s);
}

export const formatters: Readonly<Record<ReportFormat, (report: FormattableReport) => string>> = {
  json: formatJson,
  text: formatText,
  junit: formatJunit,
  gradescope: formatGradescope,
};

export { formatGradescope, formatJson, formatJunit, formatText };

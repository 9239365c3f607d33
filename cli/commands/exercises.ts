import { exercises } from "../../exercises/index.ts";
import { parseFlags, UsageError, write, type CliCommand } from "../usage.ts";

const usage = `usage: autograde exercises [--format text|json]

Lists the course's exercises in order: id, points, title, and how many visible and hidden cases each has.`;

export const command: CliCommand = {
  summary: "list the exercises (id, points, title, cases)",
  usage,
  async run(args, io) {
    const { values } = parseFlags("exercises", args, { format: { type: "string", default: "text" } }, { min: 0, max: 0, name: "" });
    const rows = exercises.map((e) => ({
      id: e.id,
      title: e.title,
      points: e.points,
      visibleCases: e.cases.filter((c) => c.visible).length,
      hiddenCases: e.cases.filter((c) => !c.visible).length,
    }));
    if (values.format === "json") {
      write(io.stdout, JSON.stringify(rows, null, 2));
      return 0;
    }
    if (values.format !== "text") throw new UsageError(`exercises: unknown format "${values.format}" (text or json)`);
    const idWidth = Math.max(...rows.map((r) => r.id.length));
    const lines = rows.map((r) => `${r.id.padEnd(idWidth)}  ${String(r.points).padStart(3)} pts  ${r.title} (${r.visibleCases} visible, ${r.hiddenCases} hidden cases)`);
    lines.push(`${"".padEnd(idWidth)}  ${String(rows.reduce((s, r) => s + r.points, 0)).padStart(3)} pts in all`);
    write(io.stdout, lines.join("\n"));
    return 0;
  },
};

import { parseFlags, UsageError, type CliCommand } from "../usage.ts";

const usage = `usage: autograde serve [--role all]

Runs the HTTP service with its grading workers, exactly as \`npm start\` does. Configuration comes
from the environment (PORT, HOST, AUTOGRADE_DATA_DIR, AUTOGRADE_API_KEYS, ...; see the README).
SIGTERM or Ctrl-C drains: new submissions are refused, grading in progress finishes or is requeued.
--role: only "all" (API and workers in one process) for now.`;

export const command: CliCommand = {
  summary: "run the HTTP service (same as npm start)",
  usage,
  async run(args, io) {
    const { values } = parseFlags("serve", args, { role: { type: "string", default: "all" } }, { min: 0, max: 0, name: "" });
    if (values.role !== "all") throw new UsageError(`serve: --role ${values.role} is not available yet (only "all")`);
    const { main } = await import("../../server/main.ts");
    await main(io.env);
    // main() returns once listening; the signal handlers it installed end the process.
    return 0;
  },
};

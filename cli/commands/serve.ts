import { PROCESS_ROLES } from "../../server/config.ts";
import { parseFlags, UsageError, type CliCommand } from "../usage.ts";

const usage = `usage: autograde serve [--role api|worker|all]

Runs the service, exactly as \`npm start\` does. Configuration comes from the environment (PORT,
HOST, AUTOGRADE_DATA_DIR, AUTOGRADE_API_KEYS, DATABASE_URL, ...; see the README).
SIGTERM or Ctrl-C drains: new submissions are refused, grading in progress finishes or is requeued.
--role: all (default: HTTP and grading in one process), api (HTTP only, no isolates) or worker
  (grading only, no HTTP). api and worker need DATABASE_URL (PostgreSQL); the flag overrides
  AUTOGRADE_ROLE.`;

export const command: CliCommand = {
  summary: "run the HTTP service and/or grading workers (same as npm start)",
  usage,
  async run(args, io) {
    const { values } = parseFlags("serve", args, { role: { type: "string" } }, { min: 0, max: 0, name: "" });
    const role = values.role;
    if (role !== undefined && !(PROCESS_ROLES as readonly string[]).includes(role)) {
      throw new UsageError(`serve: --role must be one of ${PROCESS_ROLES.join(", ")} (got "${role}")`);
    }
    const { main } = await import("../../server/main.ts");
    await main(role === undefined ? io.env : { ...io.env, AUTOGRADE_ROLE: role });
    // main() returns once listening; the signal handlers it installed end the process.
    return 0;
  },
};

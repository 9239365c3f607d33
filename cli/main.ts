import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, UsageError, write, type CliCommand, type CliIo } from "./usage.ts";

/** Fixed on purpose: a command name never becomes a path without passing through this table. */
const COMMANDS = ["grade", "grade-all", "similarity", "exercises", "starter", "solution", "check", "mistakes", "keys", "lti", "course", "assignment", "extension", "serve"] as const;
type CommandName = (typeof COMMANDS)[number];

function isCommandName(s: string): s is CommandName {
  return (COMMANDS as readonly string[]).includes(s);
}

function commandFile(name: CommandName): string {
  // From dist/ (npm run build) the commands are compiled .js beside this file.
  const extension = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  return fileURLToPath(new URL(`./commands/${name}${extension}`, import.meta.url));
}

/** Loaded lazily so `autograde starter` never pays for the grader, nor `grade` for the server. */
async function loadCommand(name: CommandName): Promise<CliCommand | undefined> {
  const file = commandFile(name);
  if (!existsSync(file)) return undefined;
  const loaded = (await import(pathToFileURL(file).href)) as { command?: CliCommand };
  if (!loaded.command || typeof loaded.command.run !== "function") throw new Error(`cli/commands/${name}.ts does not export a command`);
  return loaded.command;
}

async function overview(): Promise<string> {
  const lines = ["usage: autograde <command> [options]", "", "commands:"];
  for (const name of COMMANDS) {
    const command = await loadCommand(name);
    lines.push(`  ${name.padEnd(10)} ${command ? command.summary : "(not available in this build)"}`);
  }
  lines.push("", "Run `autograde <command> --help` for a command's options.", "Exit codes: 0 ok, 1 below --min-score or check failed, 2 bad usage or unreadable input, 3 internal error.");
  return lines.join("\n");
}

function wantsHelp(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === "--help" || a === "-h");
}

async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      write(io.stdout, await overview());
      return EXIT_OK;
    }
    if (!isCommandName(name)) throw new UsageError(`unknown command "${name}"; commands: ${COMMANDS.join(", ")}`);
    const command = await loadCommand(name);
    if (!command) {
      write(io.stderr, `autograde: the ${name} command is not available in this build`);
      return EXIT_USAGE;
    }
    if (wantsHelp(args)) {
      write(io.stdout, command.usage);
      return EXIT_OK;
    }
    return await command.run(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      write(io.stderr, `autograde: ${error.message}`);
      write(io.stderr, "Run `autograde --help` for usage.");
      return EXIT_USAGE;
    }
    write(io.stderr, `autograde: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return EXIT_INTERNAL;
  }
}

// The entry for both `npm run autograde` and bin/autograde.js (which imports this file): no guard.
const io: CliIo = { stdout: process.stdout, stderr: process.stderr, isTTY: Boolean(process.stdout.isTTY), env: process.env };
// exitCode rather than process.exit(): a large report piped to a slow reader must drain first, and
// every command closes what it opened, so the process ends on its own.
process.exitCode = await runCli(process.argv.slice(2), io);

import { editDistance } from "../edit-distance.js";
import { fsErrorCode, fsReason, OutputPathError } from "../output-path.js";
import { packageVersion } from "../package-root.js";
import { COMMANDS } from "./commands.js";

export { stopWhenOutputCloses } from "./closed-output.js";

import { UsageError, UserError } from "./errors.js";
import { type CliIO, processIO } from "./io.js";

function globalHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  const examples = COMMANDS.map((command) => `  ${command.example}`);
  return [
    "twintune: tune Linux hosts and VM fleets for performance and cost, trying every decision on a digital twin first.",
    "",
    "Usage: twintune <command> [options]",
    "",
    "Commands:",
    ...lines,
    "",
    "Options:",
    "  -h, --help     show help (also after a command: twintune <command> --help)",
    "  -V, --version  print the version",
    "",
    "Examples:",
    ...examples,
    "",
  ].join("\n");
}

/** Runs the CLI on `argv` (without node and the script) and returns the exit code. */
export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  let defaultHint = "Run 'twintune --help' for the commands and options.";
  try {
    const [first, ...rest] = argv;
    if (first === "help" && rest[0] !== undefined) return await main([rest[0], "--help"], io);
    if (first === undefined || first === "--help" || first === "-h" || first === "help") {
      io.stdout.write(globalHelp());
      return 0;
    }
    if (first === "--version" || first === "-V") {
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    }
    if (first.startsWith("-")) throw new UsageError(`unknown option '${first}'`);
    const entry = COMMANDS.find((command) => command.name === first);
    if (entry === undefined) {
      const near = COMMANDS.filter((command) => editDistance(command.name, first) <= 2).map((command) => command.name);
      const suggestion = near.length > 0 ? ` (did you mean '${near.join("' or '")}'?)` : "";
      throw new UsageError(`unknown command '${first}'${suggestion}`);
    }
    defaultHint = `Run 'twintune ${entry.name} --help' for its usage.`;
    const command = await entry.load();
    // Flags after "--" belong to a program the command runs (twintune profile -- ls -h).
    const own = rest.includes("--") ? rest.slice(0, rest.indexOf("--")) : rest;
    if (!command.ownHelp && (own.includes("--help") || own.includes("-h"))) {
      io.stdout.write(command.usage);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`twintune: ${error.message}\n${error.hint ?? defaultHint}\n`);
      return 2;
    }
    if (error instanceof UserError) {
      io.stderr.write(`twintune: ${error.message}\n`);
      return error.exitCode;
    }
    if (error instanceof OutputPathError) {
      io.stderr.write(`twintune: ${error.message}\n`);
      return 1;
    }
    // A file-system refusal (permission, full disk, a folder where a file was expected) is the
    // environment's, not a bug: one line, exit 1.
    const code = fsErrorCode(error);
    const path = (error as NodeJS.ErrnoException).path;
    if (code !== undefined && path !== undefined) {
      io.stderr.write(`twintune: ${path}: ${fsReason(error)}\n`);
      return 1;
    }
    const detail = error instanceof Error ? error.message : String(error);
    io.stderr.write(`twintune: internal error: ${detail}\n`);
    if (io.env.TWINTUNE_DEBUG && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
    else io.stderr.write("This is a bug in twintune; set TWINTUNE_DEBUG=1 to print the stack trace.\n");
    return 70;
  }
}

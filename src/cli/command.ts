import type { CliIO } from "./io.js";

/** A `twintune` subcommand: its help text and what it does. Returns the exit code. */
export interface Command {
  usage: string;
  /** The command answers --help itself (it has subcommands with their own help). */
  ownHelp?: boolean;
  run(args: string[], io: CliIO): Promise<number>;
}

/** A registry entry: loaded only when invoked, so start-up stays light. */
export interface CommandEntry {
  name: string;
  summary: string;
  example: string;
  load: () => Promise<Command>;
}

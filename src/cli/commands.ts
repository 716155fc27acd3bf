import type { CommandEntry } from "./command.js";

/** Every subcommand, in the order `twintune --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "validate",
    summary: "check the twin's models against closed forms and published figures",
    example: "twintune validate --json",
    load: async () => (await import("./commands/validate.js")).validateCommand,
  },
];

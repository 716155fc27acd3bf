import type { CommandEntry } from "./command.js";

/** Every subcommand, in the order `twintune --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "run",
    summary: "tune a scenario on the digital twin and show before/after and convergence",
    example: "twintune run scenarios/seed-fleet.yaml --seed 7",
    load: async () => (await import("./commands/run.js")).runCommand,
  },
  {
    name: "validate",
    summary: "check the twin's models against closed forms and published figures",
    example: "twintune validate --json",
    load: async () => (await import("./commands/validate.js")).validateCommand,
  },
  {
    name: "live",
    summary: "read and tune this Linux host (shadow mode first: plan, then apply --yes, revert, recover)",
    example: "twintune live status",
    load: async () => (await import("./commands/live.js")).liveCommand,
  },
  {
    name: "tui",
    summary: "watch the tuning converge on the twin, full screen (pause, speed, revert the last change)",
    example: "twintune tui scenarios/seed-fleet.yaml --speed 5",
    load: async () => (await import("./commands/tui.js")).tuiCommand,
  },
];

import type { CommandEntry } from "./command.js";

/** Every subcommand, in the order `twintune --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "run",
    summary: "tune a scenario on the digital twin: before/after, convergence, and a report folder with charts",
    example: "twintune run scenarios/seed-fleet.yaml --seed 7",
    load: async () => (await import("./commands/run.js")).runCommand,
  },
  {
    name: "sweep",
    summary: "run a scenario over seeds and parameter values on worker threads: means with 95% intervals",
    example: "twintune sweep scenarios/spot-heavy.yaml --seeds 1-8 --set fleet.spot.interruptionsPerDay=0.01,0.3,3",
    load: async () => (await import("./commands/sweep.js")).sweepCommand,
  },
  {
    name: "compare",
    summary: "run a scenario under two tuning policies on the same seeds: differences with 95% intervals, the winner",
    example:
      "twintune compare scenarios/noisy-neighbour.yaml --policy scenarios/policies/careful.yaml --policy scenarios/policies/eager.yaml",
    load: async () => (await import("./commands/compare.js")).compareCommand,
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
];

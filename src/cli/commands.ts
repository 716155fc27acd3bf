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
  {
    name: "rightsize",
    summary: "recommend an instance type per VM of a trace (or score against a twin's truth with --compare)",
    example: "twintune rightsize trace.csv --json",
    load: async () => (await import("./commands/rightsize.js")).rightsizeCommand,
  },
  {
    name: "cost",
    summary: "the right-size / spot / reserved plan, Pareto options and the 30-day cost forecast",
    example: "twintune cost trace.csv",
    load: async () => (await import("./commands/cost.js")).costCommand,
  },
  {
    name: "fleet",
    summary: "generate a fleet on the twin: trace.csv to size and truth.json to score against",
    example: "twintune fleet generate --vms 1000 --days 14 --seed 1 --out fleet",
    load: async () => (await import("./commands/fleet.js")).fleetCommand,
  },
  {
    name: "flamegraph",
    summary: "draw a flame graph (SVG, interactive HTML, JSON) of a profile, or a differential one",
    example: "twintune flamegraph cpu.pb.gz -o cpu.svg --html cpu.html",
    load: async () => (await import("./commands/flamegraph.js")).flamegraphCommand,
  },
  {
    name: "hotspots",
    summary: "list the functions with the most self time in a profile",
    example: "twintune hotspots cpu.folded --threshold 0.05",
    load: async () => (await import("./commands/hotspots.js")).hotspotsCommand,
  },
  {
    name: "profile",
    summary: "profile a running process (perf) or a command (node --cpu-prof or perf) into folded stacks",
    example: "twintune profile --pid 4242 --duration 10 --svg app.svg",
    load: async () => (await import("./commands/profile.js")).profileCommandEntry,
  },
  {
    name: "tui",
    summary: "watch the tuning converge on the twin, full screen (pause, speed, revert the last change)",
    example: "twintune tui scenarios/seed-fleet.yaml --speed 5",
    load: async () => (await import("./commands/tui.js")).tuiCommand,
  },
];

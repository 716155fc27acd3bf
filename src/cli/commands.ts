import type { CommandEntry } from "./command.js";

/** Every subcommand, in the order `twintune --help` lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  {
    name: "validate",
    summary: "check the twin's models against closed forms and published figures",
    example: "twintune validate --json",
    load: async () => (await import("./commands/validate.js")).validateCommand,
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
];

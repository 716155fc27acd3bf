import type { Command } from "../command.js";
import { UsageError } from "../errors.js";
import type { CliIO } from "../io.js";
import { APPLY_USAGE, runApply } from "./live/live-apply-command.js";
import type { LiveDeps } from "./live/live-context.js";
import { JOURNAL_USAGE, runJournal } from "./live/live-journal-command.js";
import { PLAN_USAGE, runPlan } from "./live/live-plan-command.js";
import { RECOVER_USAGE, REVERT_USAGE, runRecover, runRevert } from "./live/live-restore-commands.js";
import { runStatus, STATUS_USAGE } from "./live/live-status.js";

const SUBCOMMANDS: Record<
  string,
  { usage: string; run: (args: string[], io: CliIO, deps: LiveDeps) => Promise<number> }
> = {
  status: { usage: STATUS_USAGE, run: runStatus },
  plan: { usage: PLAN_USAGE, run: runPlan },
  apply: { usage: APPLY_USAGE, run: runApply },
  revert: { usage: REVERT_USAGE, run: runRevert },
  recover: { usage: RECOVER_USAGE, run: runRecover },
  journal: { usage: JOURNAL_USAGE, run: runJournal },
};

const USAGE = `Usage: twintune live [status|plan|apply|revert|recover|journal] [options]

Reads and tunes this Linux host through procfs and sysfs. Shadow mode is the default: 'live'
alone is 'live plan', which prints recommendations and writes nothing. Writing needs
'live apply --yes'; every write is journaled first, verified, and revertible.

  status    topology, current knob values and a metrics snapshot (reads only)
  plan      what would change and why (the default; writes nothing)
  apply     write the plan (--yes), or exactly --set KNOB=VALUE
  revert    restore every original twintune saved, in reverse order
  recover   after a crash or kill -9: restore every original left in the journal
  journal   what twintune changed and still manages

Run 'twintune live <subcommand> --help' for its options.
`;

/** Runs a subcommand; a usage mistake without a hint of its own points at that subcommand's help. */
async function withOwnHint(name: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError && error.hint === undefined) {
      throw new UsageError(error.message, `Run 'twintune live ${name} --help' for its options.`);
    }
    throw error;
  }
}

/** `twintune live ...`, with its dependencies injectable for tests. */
export function createLiveCommand(deps: LiveDeps = {}): Command {
  return {
    usage: USAGE,
    ownHelp: true,
    async run(args, io) {
      const [first, ...rest] = args;
      if (first === "--help" || first === "-h" || first === "help") {
        io.stdout.write(USAGE);
        return 0;
      }
      if (first === undefined || first.startsWith("-")) {
        // 'twintune live --device sda --help' is plan's help, as the options are plan's.
        if (args.includes("--help") || args.includes("-h")) {
          io.stdout.write(PLAN_USAGE);
          return 0;
        }
        return withOwnHint("plan", () => runPlan(args, io, deps));
      }
      const sub = SUBCOMMANDS[first];
      if (sub === undefined) {
        throw new UsageError(`unknown live subcommand '${first}'`, "Run 'twintune live --help' for the subcommands.");
      }
      if (rest.includes("--help") || rest.includes("-h")) {
        io.stdout.write(sub.usage);
        return 0;
      }
      return withOwnHint(first, () => sub.run(rest, io, deps));
    },
  };
}

export const liveCommand = createLiveCommand();

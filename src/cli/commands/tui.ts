import { join } from "node:path";
import { ConfigError } from "../../config/config-error.js";
import { packageRoot } from "../../package-root.js";
import type { ResolvedScenario } from "../../scenario/load-scenario.js";
import { integerOption, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { UsageError, UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { SPEEDS } from "../tui/pacer.js";

export const DEFAULT_SPEED = 2;

const USAGE = `Usage: twintune tui [SCENARIO] [--seed N] [--speed S]
       twintune run [SCENARIO] --tui          (the same)

Watches the auto-tuning orchestrator work on the digital twin, full screen (default scenario
scenarios/seed-fleet.yaml): the improvement per tuning window converging (with the threshold and
the converged point), the service-level metrics now against the baseline, each component's state
(validating, kept, rolled back, frozen) and what it last changed, and the tuning history with
rollbacks marked ↺. The run is the one 'twintune run' makes; when it ends, the metrics show its
before/after on the same window. Host scenarios only: a fleet scenario (fluid mode) is refused,
'twintune run' shows it.

Keys: space pause/resume · + and - speed · ↑ ↓ PgUp PgDn scroll the history (End follows it) ·
r revert the last change still in effect (the orchestrator then leaves that knob alone) ·
q quit, restoring the terminal (Ctrl-C too, with exit status 130). Keys typed together each count.
A terminal smaller than 60x15 gets a notice instead of the view.

The simulation runs in simulated time; the screen paces it at S simulated minutes per second
(it cannot go faster than the twin computes: what-if and validation runs take seconds). When
stdout is not a terminal (a pipe, a file, CI) it prints a plain progress log and runs unpaced.
NO_COLOR turns colors off.

Options:
  --seed N    seed of the run (default: the scenario's)
  --speed S   simulated minutes per second: ${SPEEDS.filter(Number.isFinite).join(", ")} or max (default ${DEFAULT_SPEED})
  -h, --help  show this help
`;

export function parseSpeed(text: string | undefined): number {
  if (text === undefined) return DEFAULT_SPEED;
  if (text === "max") return Number.POSITIVE_INFINITY;
  const value = Number(text);
  if (!SPEEDS.includes(value))
    throw new UsageError(
      `--speed expects one of ${SPEEDS.filter(Number.isFinite).join(", ")} or max, got '${text}'`,
      "Run 'twintune tui --help' for its options.",
    );
  return value;
}

/** Loads the scenario as `twintune run` does: a config error is the user's, with file and key. */
export async function scenarioFrom(
  positional: string | undefined,
  io: CliIO,
): Promise<{ file: string; resolved: ResolvedScenario }> {
  const file = positional ?? join(packageRoot(), "scenarios", "seed-fleet.yaml");
  // Loaded here, not at the top: `twintune tui --help` needs none of it.
  const { loadScenario } = await import("../../scenario/load-scenario.js");
  try {
    const resolved = loadScenario(file, undefined, [], { tuningRun: true });
    for (const warning of resolved.warnings) io.stderr.write(`twintune: warning: ${warning}\n`);
    return { file, resolved };
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "tui",
    args,
    { seed: { type: "string" }, speed: { type: "string" } },
    { min: 0, max: 1 },
  );
  const speed = parseSpeed(values.speed);
  const { file, resolved } = await scenarioFrom(positionals[0], io);
  const seed = integerOption("seed", values.seed, resolved.scenario.seed, 0);
  // The twin and the worker are loaded only now, so `twintune tui --help` stays quick.
  const { runTwinTui } = await import("../tui/twin-tui.js");
  return runTwinTui({ file, resolved, seed, speed }, io);
}

export const tuiCommand: Command = { usage: USAGE, run };

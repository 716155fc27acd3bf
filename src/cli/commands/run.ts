import { join } from "node:path";
import type { RunMetrics, RunResult } from "../../../sim/tuning-run.js";
import { runTuning } from "../../../sim/tuning-run.js";
import { ConfigError } from "../../config/config-error.js";
import { packageRoot } from "../../package-root.js";
import { loadScenario } from "../../scenario/load-scenario.js";
import { integerOption, parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import { UsageError, UserError } from "../errors.js";
import { signedPercent } from "../format.js";
import type { CliIO } from "../io.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune run [SCENARIO] [--seed N] [--json | --tui]

Runs the auto-tuning orchestrator on a scenario on the digital twin (default
scenarios/seed-fleet.yaml): every tuning interval it observes, asks the tuners (NUMA, CPU
pinning, I/O, network), ranks their proposals by what-if runs on the twin, applies the best in
bounded steps, and after the validation period keeps or reverts each change by an A/B test on
common random numbers. Then it measures the initial and the final configuration afresh on the
same evaluation window with the same seed, and prints the before/after table, the convergence by
window and the changes kept and reverted.

Options:
  --seed N   seed of the run (default: the scenario's)
  --json     print the result as JSON (scenario, seed, configHash, traceHash, baseline, tuned,
             convergence, history, rollbacks)
  --tui      watch the run full screen instead ('twintune tui --help')
  -h, --help show this help
`;

const ROWS: { label: string; key: keyof RunMetrics; unit: (v: number) => string; better: "up" | "down" }[] = [
  { label: "Throughput", key: "throughputRps", unit: (v) => `${v.toFixed(0)}/s`, better: "up" },
  { label: "P95 latency", key: "p95LatencyMs", unit: (v) => `${v.toFixed(1)} ms`, better: "down" },
  { label: "CPU utilization", key: "cpuUtil", unit: (v) => `${(v * 100).toFixed(0)}%`, better: "down" },
  { label: "Memory utilization", key: "memUtil", unit: (v) => `${(v * 100).toFixed(0)}%`, better: "down" },
  { label: "Monthly cost", key: "monthlyCostUsd", unit: (v) => `$${v.toFixed(0)}`, better: "down" },
  { label: "IOPS", key: "iops", unit: (v) => v.toFixed(0), better: "up" },
];

function beforeAfter(result: RunResult): string {
  return renderTable(
    ["Metric", "Before", "After", "Change"],
    ROWS.map((row) => {
      const before = result.baseline[row.key];
      const after = result.tuned[row.key];
      return [
        row.label,
        row.unit(before),
        row.unit(after),
        before === 0 ? "n/a" : signedPercent((after - before) / before, 0),
      ];
    }),
  );
}

function convergenceTable(result: RunResult): string {
  const { windows, atMinutes } = result.convergence;
  return renderTable(
    ["Time", "Improvement", "Convergence"],
    windows.map((w) => {
      const state =
        atMinutes !== null && w.endMin > atMinutes
          ? "Converged"
          : Math.abs(w.improvementPct) < 1
            ? atMinutes !== null && w.endMin === atMinutes
              ? "Yes (<1%)"
              : "No (in flight)"
            : "No (>1%)";
      return [`${w.startMin}-${w.endMin}min`, signedPercent(w.improvementPct / 100, 1), state];
    }),
  );
}

function changes(result: RunResult): string {
  const decided = result.history.filter((e) => e.action === "keep" || e.action === "revert");
  if (decided.length === 0) return "No change was applied.\n";
  return renderTable(
    ["Minute", "Component", "Knob", "To", "Verdict", "Impact"],
    decided.map((e) => [
      ((e.time - result.startTime) / 60_000).toFixed(0),
      e.component,
      e.knob,
      e.to.length > 40 ? `${e.to.slice(0, 37)}...` : e.to,
      e.rolledBack ? "reverted" : "kept",
      signedPercent(e.impactPct / 100, 1),
    ]),
  );
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "run",
    args,
    { seed: { type: "string" }, json: { type: "boolean", default: false }, tui: { type: "boolean", default: false } },
    { min: 0, max: 1 },
  );
  const file = positionals[0] ?? join(packageRoot(), "scenarios", "seed-fleet.yaml");
  let resolved: ReturnType<typeof loadScenario>;
  try {
    resolved = loadScenario(file);
  } catch (error) {
    if (error instanceof ConfigError) throw new UserError(error.message);
    throw error;
  }
  for (const warning of resolved.warnings) io.stderr.write(`twintune: warning: ${warning}\n`);
  const seed = integerOption("seed", values.seed, resolved.scenario.seed, 0);
  if (values.tui) {
    if (values.json) throw new UsageError("--tui and --json do not go together");
    const { runTwinTui } = await import("../tui/twin-tui.js");
    const { DEFAULT_SPEED } = await import("./tui.js");
    return runTwinTui({ file, resolved, seed, speed: DEFAULT_SPEED }, io);
  }
  const progress = io.stderr.isTTY === true && !values.json;
  const minutes = resolved.scenario.duration / 60_000;
  const result = await runTuning(resolved, {
    seed,
    onUpdate: (update) => {
      if (progress && update.type === "window")
        io.stderr.write(
          `\rtuning ${resolved.scenario.name}: ${update.endMin}/${minutes} simulated minutes, last window ${signedPercent(update.improvementPct / 100, 1)}   `,
        );
    },
  });
  if (progress) io.stderr.write("\n");
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(
    `Scenario ${result.scenario}, seed ${result.seed} (config ${result.configHash}, trace ${result.traceHash})\n\n`,
  );
  io.stdout.write(
    `Before vs after auto-tuning (the same ${resolved.scenario.evaluation.window / 60_000}-minute window, common random numbers)\n\n`,
  );
  io.stdout.write(beforeAfter(result));
  io.stdout.write(
    `\nConvergence by 5-minute window${result.convergence.converged ? ` (converged at ${result.convergence.atMinutes} min)` : " (not converged)"}\n\n`,
  );
  io.stdout.write(convergenceTable(result));
  io.stdout.write(
    `\nChanges (${result.history.filter((e) => e.action === "keep").length} kept, ${result.rollbacks} reverted)\n\n`,
  );
  io.stdout.write(changes(result));
  return 0;
}

export const runCommand: Command = { usage: USAGE, run };

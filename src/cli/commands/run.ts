import { availableParallelism } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { signedPercent } from "../../number-text.js";
import { packageRoot } from "../../package-root.js";
import { METRICS, measuredMetricKeys, type RunResult } from "../../report/run-result.js";
import { formatMinutes } from "../../report/time-axis.js";
import { checkReportFolder, writeReport } from "../../report/write-report.js";
import { integerOption, parseCommandArgs, threadCountOption } from "../args.js";
import type { Command } from "../command.js";
import { UsageError } from "../errors.js";
import type { CliIO } from "../io.js";
import { PLAIN_PROGRESS_SECONDS } from "../plain-progress.js";
import { loadScenarioForCli, runScenario } from "../scenario-runner.js";
import { overridesFor, parseSetFlags } from "../set-flags.js";
import { shellCommand } from "../shell-command.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune run [SCENARIO] [--seed N] [--set key=value ...] [--out DIR] [--no-report]
                    [--threads N] [--json | --tui]

Runs the auto-tuning orchestrator on a scenario on the digital twin (default
scenarios/seed-fleet.yaml): every tuning interval it observes, asks the tuners (NUMA, CPU
pinning, I/O, network), ranks their proposals by what-if runs on the twin, applies the best in
bounded steps, and after the validation period keeps or reverts each change by an A/B test on
common random numbers (an interval that would end after the scenario's duration is not
started). Then it measures the initial and the final configuration afresh on the
same evaluation window with the same seed, and each component's kept changes alone, and prints
the before/after table, the convergence by window and the changes kept and reverted.

A fleet scenario (one with a fleet: section, e.g. scenarios/fleet-rightsizing.yaml) runs in the
fluid mode instead: it observes the generated fleet, right-sizes and re-prices its VMs, validates
each change and measures the tuned fleet against the untuned one on the same random numbers.

It writes a report folder (replacing an earlier twintune report there, never half-written):
report.md, results.json (seed, config hash, model version, trace hash, the whole result) and
SVG charts: improvement.svg, latency.svg, cost.svg, components.svg.

Options:
  --seed N           seed of the run (default: the scenario's)
  --set key=value    override a scenario value by key path (repeatable), e.g. --set duration=20m
                     --set tuning.components=[numa,io] --set vms[0].workload.arrivals.clients=20
  --out DIR          report folder (default ./twintune-report)
  --no-report        write no report folder
  --threads N        worker threads for the twin's what-if, validation and evaluation runs
                     (default: the machine's CPUs, at most 4; more than the CPUs is lowered to
                     them; 1 runs them in process); the result is the same at any count
  --json             print the result as JSON (scenario, seed, configHash, traceHash,
                     startTime, baseline, tuned, convergence, history, rollbacks, finalKnobs,
                     modelVersion, detail)
  --tui              watch the run full screen instead ('twintune tui --help'); takes only
                     SCENARIO and --seed (not --set, --out, --no-report, --threads or --json)
  -h, --help         show this help
`;

function beforeAfter(result: RunResult): string {
  return renderTable(
    ["Metric", "Before", "After", "Change"],
    measuredMetricKeys(result.detail.mode).map((key) => {
      const before = result.baseline[key];
      const after = result.tuned[key];
      const metric = METRICS[key];
      return [
        metric.label,
        metric.format(before),
        metric.format(after),
        before === 0 ? "n/a" : signedPercent((after - before) / before, 0),
      ];
    }),
  );
}

function convergenceTable(result: RunResult): string {
  const { windows, atMinutes } = result.convergence;
  return renderTable(
    ["Time", "Improvement", "Convergence"],
    windows.map((w, index) => {
      const state =
        atMinutes !== null && w.endMin > atMinutes
          ? // Nothing changed in such a window: a move of 1% or more is the workload's own.
            Math.abs(w.improvementPct) >= 1
            ? "Converged (load varied)"
            : "Converged"
          : Math.abs(w.improvementPct) >= 1
            ? "No (>1%)"
            : !w.idle
              ? "No (in flight)"
              : index === 0
                ? "No (first window)"
                : "Yes (<1%)";
      return [
        result.detail.mode === "fleet" ? `day ${w.startMin / 1440}-${w.endMin / 1440}` : `${w.startMin}-${w.endMin}min`,
        signedPercent(w.improvementPct / 100, 1),
        state,
      ];
    }),
  );
}

function changes(result: RunResult): string {
  const decided = result.history.filter((e) => e.action === "keep" || e.action === "revert");
  if (decided.length === 0) return "No change was applied.\n";
  if (decided.length > 40) {
    const by = new Map<string, [number, number]>();
    for (const e of decided) {
      const counts = by.get(e.component) ?? [0, 0];
      counts[e.rolledBack ? 1 : 0]++;
      by.set(e.component, counts);
    }
    return renderTable(
      ["Component", "Kept", "Reverted"],
      [...by].map(([component, [kept, reverted]]) => [component, String(kept), String(reverted)]),
    );
  }
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
    [3],
  );
}

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "run",
    args,
    {
      seed: { type: "string" },
      set: { type: "string", multiple: true, default: [] },
      out: { type: "string" },
      "no-report": { type: "boolean", default: false },
      threads: { type: "string" },
      json: { type: "boolean", default: false },
      tui: { type: "boolean", default: false },
    },
    { min: 0, max: 1 },
  );
  // Flags --tui does not take are refused before anything is read, whatever their values.
  if (values.tui) {
    if (values.json) throw new UsageError("--tui and --json do not go together");
    if (values.out !== undefined || values["no-report"])
      throw new UsageError("--tui writes no report: --out and --no-report do not apply");
    if (values.set.length > 0) throw new UsageError("--tui does not take --set yet: put the values in a scenario file");
    if (values.threads !== undefined)
      throw new UsageError("--tui runs the tuning in one worker of its own: --threads does not apply");
  }
  const file = positionals[0] ?? join(packageRoot(), "scenarios", "seed-fleet.yaml");
  const flags = parseSetFlags(values.set, "run", false);
  const resolved = loadScenarioForCli(
    resolve(io.cwd, file),
    overridesFor(
      flags,
      flags.map(() => 0),
    ),
  );
  for (const warning of resolved.warnings) io.stderr.write(`twintune: warning: ${warning}\n`);
  const seed = integerOption("seed", values.seed, resolved.scenario.seed, 0);
  const threads = threadCountOption("threads", values.threads, Math.min(4, availableParallelism()), io);
  if (values.tui) {
    const { runTwinTui } = await import("../tui/twin-tui.js");
    const { DEFAULT_SPEED } = await import("./tui.js");
    return runTwinTui({ file, resolved, seed, speed: DEFAULT_SPEED }, io);
  }
  if (values.out !== undefined && values["no-report"])
    throw new UsageError("--out names the report folder and --no-report writes none: give one of them");
  const out = resolve(io.cwd, values.out ?? "twintune-report");
  // A report that cannot be written is reported now, not after the simulation.
  if (!values["no-report"]) checkReportFolder(out, values.out ?? "twintune-report");
  const progress = io.stderr.isTTY === true && !values.json;
  const total = formatMinutes(resolved.scenario.duration / 60_000);
  let lastPlain = performance.now();
  const result = await runScenario(resolved, {
    seed,
    measureComponents: true,
    forkThreads: threads,
    onUpdate: (update) => {
      if (update.type !== "window") return;
      const line = `tuning ${resolved.scenario.name}: ${formatMinutes(update.endMin)} of ${total} simulated, last window ${signedPercent(update.improvementPct / 100, 1)}`;
      if (progress) io.stderr.write(`\r${line}   `);
      else if (io.stderr.isTTY !== true && performance.now() - lastPlain >= PLAIN_PROGRESS_SECONDS * 1000) {
        // Off a terminal, a slow run says where it is now and then; a quick one prints nothing.
        lastPlain = performance.now();
        io.stderr.write(`twintune: ${line}\n`);
      }
    },
  });
  if (progress) io.stderr.write("\n");
  let written: string[] = [];
  if (!values["no-report"]) {
    // The command to reproduce the run works from where it ran: a path inside it stays relative,
    // one given absolute or outside it is absolute.
    const absolute = resolve(io.cwd, file);
    const inside = relative(io.cwd, absolute);
    const typedAbsolute = positionals[0] !== undefined && isAbsolute(positionals[0]);
    const shown = typedAbsolute || inside === "" || inside.startsWith("..") ? absolute : inside;
    const command = shellCommand([
      "twintune",
      "run",
      shown,
      "--seed",
      String(seed),
      ...flags.flatMap((f) => ["--set", `${f.key}=${f.texts[0]}`]),
    ]);
    written = writeReport(out, result, { file: shown, command });
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  }
  const mode = result.detail.mode === "fleet" ? "fluid fleet mode" : "per-request twin";
  io.stdout.write(
    `Scenario ${result.scenario}, seed ${result.seed} on the ${mode} (config ${result.configHash}, trace ${result.traceHash})\n\n`,
  );
  io.stdout.write(
    `Before vs after auto-tuning (the same ${formatMinutes(result.detail.evaluationMinutes)} evaluation window, common random numbers)\n\n`,
  );
  io.stdout.write(beforeAfter(result));
  const windowLength =
    result.detail.mode === "fleet" ? "1-day" : `${resolved.scenario.tuning.interval / 60_000}-minute`;
  io.stdout.write(
    `\nConvergence by ${windowLength} window${result.convergence.converged && result.convergence.atMinutes !== null ? ` (converged at ${formatMinutes(result.convergence.atMinutes)})` : " (not converged)"}\n\n`,
  );
  io.stdout.write(convergenceTable(result));
  io.stdout.write(
    `\nChanges (${result.history.filter((e) => e.action === "keep").length} kept, ${result.rollbacks} reverted)\n\n`,
  );
  io.stdout.write(changes(result));
  if (written.length > 0) io.stdout.write(`\nReport: ${relative(io.cwd, out) || "."}/ (${written.join(", ")})\n`);
  return 0;
}

export const runCommand: Command = { usage: USAGE, run };

import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import { modelVersion } from "../../../sim/run-detail.js";
import type { RunResult } from "../../report/run-result.js";
import { configHash } from "../../scenario/config-hash.js";
import { aggregatePoint, type PointAggregate } from "../../sweep/aggregate.js";
import { summarize } from "../../sweep/run-summary.js";
import { parseSeedList } from "../../sweep/seed-list.js";
import { sweepChart } from "../../sweep/sweep-chart.js";
import { gridPoints, plannedRuns, type SweepAxis } from "../../sweep/sweep-grid.js";
import { sweepMarkdown, tableHeaders, tableRows } from "../../sweep/sweep-markdown.js";
import { parseCommandArgs, threadCountOption } from "../args.js";
import type { Command } from "../command.js";
import { UsageError } from "../errors.js";
import type { CliIO } from "../io.js";
import { loadScenarioForCli } from "../scenario-runner.js";
import { overridesFor, parseSetFlags } from "../set-flags.js";
import { shellCommand } from "../shell-command.js";
import { executeGrid, type GridJob } from "../sweep/execute-grid.js";
import { interruptedMessage, runIndex, SweepFolder, type SweepManifest } from "../sweep/sweep-folder.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune sweep SCENARIO [--seeds 1-32] [--set key=v1,v2 ...] [--workers N] [--out DIR] [--resume] [--json]

Runs a scenario over a grid of seeds and parameter values on a pool of worker threads, and
reports each metric per grid point as the mean over the seeds with its 95% confidence interval
(tuned against untuned on the same seed). Each run is a whole 'twintune run' (without the
per-component measurements): a host scenario on the per-request twin, a fleet scenario in the
fluid mode. Results do not depend on the number of workers.

The output folder gets sweep.json (the grid, every metric's mean and interval per point),
summary.md, sweep.svg, and runs/ with each run's result, written as it finishes. Ctrl-C stops the
sweep and keeps the finished runs; the same command with --resume runs only what is missing.

Options:
  --seeds LIST       seeds to run, like 1-32 or 1,3,5-8 (default 1-8)
  --set key=v1,v2    a scenario value by key path and the values to sweep (repeatable; the grid
                     is every combination), e.g. --set tuning.degradationThreshold=0.05,0.1,0.2
  --workers N        worker threads (default: one per CPU; more than the CPUs is lowered to them)
  --out DIR          output folder (default ./twintune-sweep)
  --resume           continue the sweep in --out: run only the runs not there yet (other --seeds
                     are allowed; a note names stored seeds the summary then leaves out)
  --json             print the aggregate as JSON
  -h, --help         show this help
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "sweep",
    args,
    {
      seeds: { type: "string", default: "1-8" },
      set: { type: "string", multiple: true, default: [] },
      workers: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    { min: 1, max: 1 },
  );
  let seeds: number[];
  try {
    seeds = parseSeedList(values.seeds);
  } catch (error) {
    throw new UsageError(`--seeds: ${(error as Error).message}`);
  }
  const workers = values.workers === undefined ? undefined : threadCountOption("workers", values.workers, 1, io);
  const flags = parseSetFlags(values.set, "sweep", true);
  const axes: SweepAxis[] = flags.map((flag) => ({ key: flag.key, texts: flag.texts }));
  const file = resolve(io.cwd, positionals[0] as string);
  const shown = relative(io.cwd, file) || file;
  // Every grid point is loaded and checked before anything runs or is written.
  const points = gridPoints(axes).map((point) => {
    const overrides = overridesFor(flags, point.choice);
    const resolved = loadScenarioForCli(file, overrides);
    return {
      ...point,
      overrides,
      scenario: resolved.scenario,
      configHash: configHash(resolved.scenario),
      modelVersion: modelVersion(resolved),
    };
  });
  const scenarioName = points[0]?.scenario.name ?? shown;
  const folder = new SweepFolder(resolve(io.cwd, values.out ?? "twintune-sweep"));
  const manifest: SweepManifest = {
    generator: "twintune",
    kind: "sweep",
    scenario: scenarioName,
    file: shown,
    path: realpathSync(file),
    axes,
    seeds,
    complete: false,
  };
  for (const note of folder.prepare(manifest, values.resume)) io.stderr.write(`twintune: note: ${note}\n`);
  folder.writeManifest(manifest);
  const jobs: GridJob[] = plannedRuns(points, seeds).map((planned) => {
    const point = points[planned.point] as (typeof points)[number];
    return {
      ...planned,
      configHash: point.configHash,
      modelVersion: point.modelVersion,
      task: { file, overrides: point.overrides, seed: planned.seed },
    };
  });
  const outcome = await executeGrid(jobs, { workers, io, folder });
  const where = relative(io.cwd, folder.dir) || ".";
  if (outcome.interrupted) {
    io.stderr.write(interruptedMessage("sweep", outcome.results.size, jobs.length, where));
    return 130;
  }
  const aggregate: PointAggregate[] = points.map((point) => {
    const summaries = jobs
      .filter((job) => job.point === point.index)
      .map((job) => summarize(outcome.results.get(job.id) as RunResult));
    return aggregatePoint(point.label, point.values, summaries);
  });
  const command = shellCommand([
    "twintune",
    "sweep",
    shown,
    "--seeds",
    values.seeds,
    ...flags.flatMap((f) => ["--set", `${f.key}=${f.texts.join(",")}`]),
  ]);
  folder.writeManifest({
    ...manifest,
    complete: true,
    command,
    points: aggregate,
    runs: runIndex(jobs, outcome.results),
  });
  folder.writeFile("summary.md", sweepMarkdown(scenarioName, shown, command, seeds, aggregate));
  folder.writeFile(
    "sweep.svg",
    sweepChart(
      scenarioName,
      aggregate,
      axes.map((a) => a.key),
      seeds.length,
    ),
  );
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ scenario: scenarioName, file: shown, seeds, axes, points: aggregate }, null, 2)}\n`,
    );
    return 0;
  }
  io.stdout.write(
    `Sweep of ${scenarioName}: ${points.length} point${points.length === 1 ? "" : "s"} x ${seeds.length} seed${seeds.length === 1 ? "" : "s"} = ${jobs.length} run${jobs.length === 1 ? "" : "s"}${outcome.reused > 0 ? ` (${outcome.reused} reused from ${where})` : ""}\n`,
  );
  io.stdout.write("Mean over seeds ± 95% confidence half-width, tuned vs untuned on the same seed\n\n");
  io.stdout.write(renderTable(tableHeaders(), tableRows(aggregate)));
  io.stdout.write(`\nWritten: ${where}/ (sweep.json, summary.md, sweep.svg, runs/)\n`);
  return 0;
}

export const sweepCommand: Command = { usage: USAGE, run };

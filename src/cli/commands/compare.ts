import { realpathSync } from "node:fs";
import { relative, resolve } from "node:path";
import { modelVersion } from "../../../sim/run-detail.js";
import { ConfigError } from "../../config/config-error.js";
import type { RunResult } from "../../report/run-result.js";
import { configHash } from "../../scenario/config-hash.js";
import { loadPolicy, type TuningPolicy } from "../../scenario/policy-file.js";
import { comparePolicies, type MetricComparison } from "../../sweep/policy-comparison.js";
import { summarize } from "../../sweep/run-summary.js";
import { parseSeedList } from "../../sweep/seed-list.js";
import { formatStat } from "../../sweep/sweep-markdown.js";
import { parseCommandArgs, threadCountOption } from "../args.js";
import type { Command } from "../command.js";
import { UsageError, UserError } from "../errors.js";
import type { CliIO } from "../io.js";
import { loadScenarioForCli } from "../scenario-runner.js";
import { overridesFor, parseSetFlags } from "../set-flags.js";
import { executeGrid, type GridJob } from "../sweep/execute-grid.js";
import { interruptedMessage, runIndex, SweepFolder, type SweepManifest } from "../sweep/sweep-folder.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune compare SCENARIO --policy A.yaml --policy B.yaml [--seeds 1-16] [--set key=value ...] [--workers N] [--out DIR [--resume]] [--json]

Runs a scenario under two tuning policies on the same seeds (common random numbers: on a seed
both policies face the same arrivals and demands), and prints each metric's mean under A and B
and the paired difference B - A with its 95% confidence interval. The winner is the policy with
the higher tuned service score (throughput / p95 latency / monthly cost) when the interval of
the difference excludes zero; otherwise there is no significant difference.

A policy file replaces values of the scenario's tuning: section (lists are replaced):

  name: careful                       # optional; default: the file name
  description: judge longer, revert sooner
  tuning:                             # any of: interval, validation, convergenceTarget,
    validation: 15m                   #   degradationThreshold, maxConcurrent, minGain,
                                      #   components, policy
    degradationThreshold: 0.05
    components: [numa, cpu-pinning]

Options:
  --policy FILE      a policy file; give exactly two
  --seeds LIST       seeds, like 1-16 or 1,3,5-8 (default 1-16)
  --set key=value    a scenario value for both policies (repeatable; not a key a policy sets)
  --workers N        worker threads (default: one per CPU; more than the CPUs is lowered to them)
  --out DIR          keep each finished run in DIR/runs/ (written as it finishes) and the result
                     in DIR/comparison.json; without it nothing is written
  --resume           continue the comparison in --out: run only the runs not there yet (a run of
                     a policy or scenario edited since, or of another twintune, is run again)
  --json             print the comparison as JSON
  -h, --help         show this help
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "compare",
    args,
    {
      policy: { type: "string", multiple: true, default: [] },
      seeds: { type: "string", default: "1-16" },
      set: { type: "string", multiple: true, default: [] },
      workers: { type: "string" },
      out: { type: "string" },
      resume: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
    },
    { min: 1, max: 1 },
  );
  if (values.resume && values.out === undefined)
    throw new UsageError("--resume continues the comparison kept in --out DIR: give --out");
  if (values.policy.length !== 2)
    throw new UsageError(`twintune compare needs exactly two --policy files, got ${values.policy.length}`);
  let seeds: number[];
  try {
    seeds = parseSeedList(values.seeds);
  } catch (error) {
    throw new UsageError(`--seeds: ${(error as Error).message}`);
  }
  const workers = values.workers === undefined ? undefined : threadCountOption("workers", values.workers, 1, io);
  const flags = parseSetFlags(values.set, "compare", false);
  const typed = positionals[0] as string;
  const file = resolve(io.cwd, typed);
  const policies = values.policy.map((path): TuningPolicy => {
    // Read from io.cwd; named in messages and the report as the user typed it.
    const absolute = resolve(io.cwd, path);
    try {
      const policy = loadPolicy(absolute);
      return {
        ...policy,
        file: path,
        overrides: policy.overrides.map((override) => ({
          ...override,
          label: asTyped(override.label, absolute, path),
        })),
      };
    } catch (error) {
      if (error instanceof ConfigError)
        throw new UserError(
          new ConfigError(path, error.line, error.column, error.keyPath, asTyped(error.problem, absolute, path))
            .message,
        );
      throw error;
    }
  }) as [TuningPolicy, TuningPolicy];
  if (policies[0].name === policies[1].name)
    throw new UsageError(`both policies are named '${policies[0].name}'; give them different names`);
  // A policy's value is applied after --set and would silently win over it.
  for (const flag of flags) {
    for (const policy of policies) {
      const clash = policy.overrides.find((override) => {
        const shorter = Math.min(override.path.length, flag.path.length);
        return override.path.slice(0, shorter).every((key, i) => key === flag.path[i]);
      });
      if (clash !== undefined)
        throw new UsageError(
          `--set ${flag.key}: policy ${policy.file} sets ${clash.path.join(".")}, which would win over the flag`,
          "Set it in the policy files, or leave it out of them to --set it for both.",
        );
    }
  }
  const sides = policies.map((policy) => {
    const overrides = [
      ...overridesFor(
        flags,
        flags.map(() => 0),
      ),
      ...policy.overrides,
    ];
    let resolved: ReturnType<typeof loadScenarioForCli>;
    try {
      resolved = loadScenarioForCli(file, overrides);
    } catch (error) {
      if (error instanceof UserError) throw new UserError(asTyped(error.message, file, typed), error.exitCode);
      throw error;
    }
    return {
      policy,
      overrides,
      scenario: resolved.scenario,
      configHash: configHash(resolved.scenario),
      modelVersion: modelVersion(resolved),
    };
  });
  const jobs: GridJob[] = sides.flatMap((side, point) =>
    seeds.map((seed) => ({
      id: `p${point}-seed${seed}`,
      point,
      seed,
      configHash: side.configHash,
      modelVersion: side.modelVersion,
      task: { file, overrides: side.overrides, seed },
    })),
  );
  const folder = values.out === undefined ? undefined : new SweepFolder(resolve(io.cwd, values.out));
  const manifest: SweepManifest = {
    generator: "twintune",
    kind: "comparison",
    scenario: sides[0]?.scenario.name ?? typed,
    file: relative(io.cwd, file) || file,
    path: realpathSync(file),
    // The policies are the axis; a policy's content is in each run's config hash.
    axes: [
      ...flags.map((flag) => ({ key: flag.key, texts: flag.texts })),
      { key: "policy", texts: [policies[0].name, policies[1].name] },
    ],
    seeds,
    complete: false,
  };
  if (folder !== undefined) {
    for (const note of folder.prepare(manifest, values.resume)) io.stderr.write(`twintune: note: ${note}\n`);
    folder.writeManifest(manifest);
  }
  const outcome = await executeGrid(jobs, { workers, io, ...(folder === undefined ? {} : { folder }) });
  if (outcome.interrupted) {
    io.stderr.write(
      folder === undefined
        ? `twintune: comparison interrupted after ${outcome.results.size} of ${jobs.length} runs; nothing was written (--out DIR keeps finished runs)\n`
        : interruptedMessage("comparison", outcome.results.size, jobs.length, relative(io.cwd, folder.dir) || "."),
    );
    return 130;
  }
  const summaries = [0, 1].map((point) =>
    jobs.filter((job) => job.point === point).map((job) => summarize(outcome.results.get(job.id) as RunResult)),
  );
  const [a, b] = policies;
  const comparison = comparePolicies(summaries[0] ?? [], summaries[1] ?? [], [a.name, b.name]);
  const scenarioName = sides[0]?.scenario.name ?? "";
  const document = {
    scenario: scenarioName,
    policies: { A: { name: a.name, file: a.file }, B: { name: b.name, file: b.file } },
    ...comparison,
  };
  if (folder !== undefined) {
    folder.writeManifest({ ...manifest, complete: true, runs: runIndex(jobs, outcome.results) });
    folder.writeFile("comparison.json", `${JSON.stringify(document, null, 2)}\n`);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
    return 0;
  }
  const { converged } = comparison;
  const runs = converged.runs;
  const betterName = (better: "A" | "B" | null) => (better === null ? "-" : better === "A" ? a.name : b.name);
  // Convergence time is a mean over the runs that converged: say over how many when not all did.
  const cell = (key: string, stat: MetricComparison["a"]) =>
    key === "convergenceMinutes" && stat !== null && stat.n > 1 && stat.n < runs
      ? `${formatStat(stat)} (n=${stat.n})`
      : formatStat(stat);
  io.stdout.write(
    `Comparison on ${scenarioName}: A = ${a.name} (${a.file}), B = ${b.name} (${b.file}), ${runs} ${runs === 1 ? "seed" : "seeds"}, common random numbers${outcome.reused > 0 && folder !== undefined ? ` (${outcome.reused} of ${jobs.length} runs reused from ${relative(io.cwd, folder.dir) || "."})` : ""}\n\n`,
  );
  io.stdout.write(
    renderTable(
      ["Metric", `A: ${a.name}`, `B: ${b.name}`, "B - A (95% CI)", "Better"],
      [
        ...comparison.metrics.map((m) => [
          `${m.label}${m.unit ? ` (${m.unit})` : ""}`,
          cell(m.key, m.a),
          cell(m.key, m.b),
          cell(m.key, m.difference),
          betterName(m.better),
        ]),
        [
          "runs converged",
          `${converged.a} of ${runs}`,
          `${converged.b} of ${runs}`,
          `${converged.b - converged.a >= 0 ? "+" : ""}${converged.b - converged.a} ${Math.abs(converged.b - converged.a) === 1 ? "run" : "runs"}`,
          betterName(converged.better),
        ],
      ],
      // Means with intervals: one alignment down each column, counts included.
      [1, 2, 3],
    ),
  );
  io.stdout.write(
    "\nChanges are against each run's untuned baseline, so their B - A is in percentage points.\n" +
      (converged.both === 0
        ? "No seed converged under both policies, so convergence times are not compared.\n"
        : `Convergence time is compared over the ${converged.both} ${converged.both === 1 ? "seed" : "seeds"} where both converged.\n`) +
      "The winner is judged on the tuned service score (throughput / p95 / cost), B relative to A per seed.\n",
  );
  io.stdout.write(`\n${comparison.verdict}\n`);
  return 0;
}

/** `text` with the absolute path a file was read from shown as the user typed it. */
function asTyped(text: string, absolute: string, typed: string): string {
  return absolute === typed ? text : text.split(absolute).join(typed);
}

export const compareCommand: Command = { usage: USAGE, run };

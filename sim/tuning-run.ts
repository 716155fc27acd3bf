import type { Backend } from "../src/backend.js";
import { loadCatalog } from "../src/catalog/catalog-loader.js";
import type { InstanceCatalog } from "../src/catalog/instance-catalog.js";
import { fnv1aHex } from "../src/math/fnv.js";
import { Orchestrator } from "../src/orchestrator/orchestrator.js";
import type { OrchestratorConfig } from "../src/orchestrator/orchestrator-config.js";
import type { OrchestratorUpdate, TuningEvent } from "../src/orchestrator/tuning-event.js";
import type { RunResult } from "../src/report/run-result.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { CostTuner } from "../src/tuners/cost-tuner.js";
import { CpuPinning } from "../src/tuners/cpu-pinning.js";
import { IoTuner } from "../src/tuners/io-tuner.js";
import { NetworkTuner } from "../src/tuners/network-tuner.js";
import { NumaOptimizer } from "../src/tuners/numa-optimizer.js";
import type { PolicyName } from "../src/tuners/rightsize/policy.js";
import { RightsizingTuner } from "../src/tuners/rightsizing-tuner.js";
import type { Tuner } from "../src/tuners/tuner.js";
import { measureComponentImpact } from "./component-impact.js";
import { ForkPool } from "./fork-pool.js";
import { ForkCounterfactual, type ForkExecutor, ForkRunner } from "./fork-runner.js";
import { instanceLookup } from "./instance-lookup.js";
import { evaluationDetail, metricsOf, modelVersion, TimelineRecorder } from "./run-detail.js";
import { SimBackend } from "./sim-backend.js";
import type { InstanceLookup } from "./twin/twin-knobs.js";

// The result's shape lives with the report that reads it (engine code must not import sim/).
export type { RunMetrics, RunResult } from "../src/report/run-result.js";

export interface TuningRunOptions {
  seed?: number;
  instances?: InstanceLookup;
  /** The components; default: NUMA, CPU pinning, I/O and network. */
  tuners?: Tuner[];
  onUpdate?: (update: OrchestratorUpdate) => void;
  /** Overrides of the orchestrator's settings beyond the scenario's `tuning:` section (tests, policies). */
  orchestrator?: Partial<OrchestratorConfig>;
  /** The instance catalog for sizes, prices and purchase options (default: models/instances.yaml). */
  catalog?: InstanceCatalog;
  /** Wraps the backend the orchestrator drives (fault injection in tests). */
  wrapBackend?: (backend: Backend) => Backend;
  /**
   * Worker threads for the what-if, validation and evaluation forks (default 1: in process). The
   * result is the same at any count; a custom `instances` lookup cannot cross threads and keeps
   * the forks in process.
   */
  forkThreads?: number;
  /** Awaited after every simulated step of the tuned twin (not the forks): see SimBackendOptions.pace. */
  pace?: (simTimeMs: number) => Promise<void>;
  /** Called once the orchestrator is ready, before the first round: a watcher's handle on it (revertLast). */
  onStart?: (run: { orchestrator: Orchestrator; startTime: number }) => void;
  /** Also measure each component's kept changes alone on the evaluation window (one more run per component). */
  measureComponents?: boolean;
}

export function defaultTuners(
  components: readonly string[],
  catalog: InstanceCatalog,
  sizingPolicy: PolicyName = "balanced",
): Tuner[] {
  const all: Tuner[] = [
    new NumaOptimizer(),
    new CpuPinning(),
    new IoTuner({ judged: true }),
    new NetworkTuner(),
    new RightsizingTuner(catalog, { policy: sizingPolicy }),
    new CostTuner(catalog),
  ];
  return all.filter((tuner) => components.includes(tuner.component));
}

/**
 * The main job: tune a scenario on the twin with the orchestrator, then measure the initial and
 * the final configuration afresh on the same evaluation window with the same seed (common random
 * numbers), so the before/after difference is the configuration's, not the luck of the run.
 */
export async function runTuning(resolved: ResolvedScenario, options: TuningRunOptions = {}): Promise<RunResult> {
  const seed = options.seed ?? resolved.scenario.seed;
  const catalog = options.catalog ?? loadCatalog();
  const instances = options.instances ?? instanceLookup(catalog);
  const threads = options.forkThreads ?? 1;
  const pool = threads > 1 && options.instances === undefined ? new ForkPool(resolved, catalog, threads) : undefined;
  const forks = (warmupMs: number): ForkExecutor =>
    pool?.runner(warmupMs) ?? new ForkRunner(resolved, instances, warmupMs);
  try {
    return await tune(resolved, seed, catalog, instances, forks, options);
  } finally {
    await pool?.close();
  }
}

async function tune(
  resolved: ResolvedScenario,
  seed: number,
  catalog: InstanceCatalog,
  instances: InstanceLookup | undefined,
  forks: (warmupMs: number) => ForkExecutor,
  options: TuningRunOptions,
): Promise<RunResult> {
  const { scenario } = resolved;
  const backend = new SimBackend(resolved, {
    seed,
    ...(instances === undefined ? {} : { instances }),
    ...(options.pace === undefined ? {} : { pace: options.pace }),
  });
  // Forks for what-if and validation warm up for 30 s: the queues of a host at a few thousand
  // requests a second settle within seconds.
  const runner = forks(30_000);
  const tuning = scenario.tuning;
  const driven = options.wrapBackend?.(backend) ?? backend;
  const timeline = new TimelineRecorder();
  const orchestrator = new Orchestrator(
    driven,
    options.tuners ?? defaultTuners(tuning.components, catalog, tuning.policy),
    {
      config: {
        tuningIntervalMs: tuning.interval,
        validationPeriodMs: tuning.validation,
        convergenceTargetMs: tuning.convergenceTarget,
        degradationThreshold: tuning.degradationThreshold,
        maxConcurrentTuning: tuning.maxConcurrent,
        minWhatIfGain: tuning.minGain,
        ...options.orchestrator,
      },
      counterfactual: new ForkCounterfactual(runner, seed),
      onUpdate: timeline.watch(options.onUpdate),
    },
  );
  await orchestrator.initialize();
  const initial = new Map(orchestrator.knobs());
  const start = backend.clock.now();
  options.onStart?.({ orchestrator, startTime: start });
  // Until converged and confirmed by one more quiet window, as in the seed document's table. A
  // round that would end past the duration is not started: its window would be reported beyond
  // the run (a 17-minute run showed a 15-20 min window).
  while (backend.clock.now() - start + tuning.interval <= scenario.duration) {
    await orchestrator.runOnce();
    if (orchestrator.convergence.confirmed) break;
  }

  await orchestrator.finish();
  const { warmup, window } = scenario.evaluation;
  const evaluation = forks(warmup);
  const [baseline, tuned] = await Promise.all([
    evaluation.run(seed, initial, [], window, window),
    evaluation.run(seed, orchestrator.knobs(), [], window, window),
  ]);
  const history: TuningEvent[] = [...orchestrator.history()];
  const entries = history.map((event) => ({
    time: event.time,
    component: event.component,
    action: event.action,
    knob: `${event.knob.knob}@${event.knob.target}`,
    from: event.from === undefined ? "" : JSON.stringify(event.from),
    to: event.to === undefined ? "" : JSON.stringify(event.to),
    impactPct: event.impact * 100,
    success: event.success,
    rolledBack: event.rolledBack,
    reason: event.reason,
  }));
  const finalKnobs = Object.fromEntries(orchestrator.knobs());
  const startTime = orchestrator.startTime ?? 0;
  const components =
    options.measureComponents === true
      ? await measureComponentImpact(evaluation, seed, window, initial, finalKnobs, entries)
      : undefined;
  return {
    scenario: scenario.name,
    seed,
    configHash: fnv1aHex(JSON.stringify(scenario)),
    traceHash: backend.twin.sim.traceHashHex,
    startTime,
    baseline: metricsOf(baseline.window),
    tuned: metricsOf(tuned.window),
    convergence: {
      converged: orchestrator.convergence.convergedAtMin !== undefined,
      atMinutes: orchestrator.convergence.convergedAtMin ?? null,
      windows: orchestrator.convergence.windows,
    },
    history: entries,
    rollbacks: history.filter((event) => event.rolledBack).length,
    finalKnobs,
    modelVersion: modelVersion(resolved),
    detail: {
      mode: "host",
      evaluationMinutes: window / 60_000,
      latencyUnit: "request",
      baseline: evaluationDetail(baseline.window, baseline.latencyUs),
      tuned: evaluationDetail(tuned.window, tuned.latencyUs),
      timeline: timeline.points(startTime),
      ...(components === undefined ? {} : { components }),
    },
  };
}

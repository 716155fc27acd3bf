import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import { ConvergenceTracker } from "../../src/orchestrator/convergence.js";
import type { OrchestratorUpdate } from "../../src/orchestrator/tuning-event.js";
import type { ComponentImpact, HistoryEntry, RunResult, TimelinePoint } from "../../src/report/run-result.js";
import { configHash } from "../../src/scenario/config-hash.js";
import type { ResolvedScenario } from "../../src/scenario/load-scenario.js";
import { policy } from "../../src/tuners/rightsize/policy.js";
import { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";
import { modelVersion } from "../run-detail.js";
import { applyDecision, decideFleet, type FleetDecision, observeFleetVm } from "./fleet-decisions.js";
import { FleetMeter } from "./fleet-meter.js";
import { FleetSimulation, type FleetSpec, type FleetVm, type SpotTerms } from "./fleet-model.js";
import { hashStep, ScoreWindow } from "./fleet-score.js";
import { fleetSpec } from "./fleet-setup.js";
import { FleetValidation } from "./fleet-validation.js";

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface FleetRunOptions {
  seed?: number;
  measureComponents?: boolean;
  /** Instance types and prices (default: models/instances.yaml). */
  catalog?: InstanceCatalog;
  onUpdate?: (update: OrchestratorUpdate) => void;
}

/** The memory of a VM's catalog type, GiB. */
const memoryOf =
  (catalog: InstanceCatalog) =>
  (vm: FleetVm): number =>
    catalog.get(vm.instanceType)?.memoryGiB ?? 0;

/** Runs a fleet with `decisions` applied at `at` and measures from `measureFrom` on. */
function measureWith(
  spec: FleetSpec,
  decisions: readonly FleetDecision[],
  at: number,
  measureFrom: number,
  catalog: InstanceCatalog,
  spot: SpotTerms,
  discount: number,
): FleetMeter {
  const simulation = new FleetSimulation(spec);
  const meter = new FleetMeter(spec.stepMs, memoryOf(catalog));
  for (let t = 0; t < spec.durationMs; t += spec.stepMs) {
    if (t === at)
      for (const d of decisions)
        applyDecision(simulation.vms[d.vm] as FleetSimulation["vms"][number], d, catalog, spot, discount);
    const step = simulation.step(t);
    if (t >= measureFrom) meter.add(simulation, step);
  }
  return meter;
}

/**
 * A fleet scenario's run in the fluid mode. The untuned fleet and the tuned one step side by side
 * on the same random numbers. For `fleet.observe` both run as generated while each VM's CPU
 * utilization and memory go to the right-sizing engine (src/tuners/rightsize/) as fleet monitoring
 * would report them; then the engine and the spot rule (src/tuners/fleet-pricing.ts) decide and
 * the tuned fleet changes; after `tuning.validation` each change is kept or reverted by its
 * VM's behaviour against the untuned twin of itself; the rest of the run is the evaluation window.
 * Windows are days: the tuned-to-untuned score ratio, day over day.
 */
export async function runFleetTuning(resolved: ResolvedScenario, options: FleetRunOptions = {}): Promise<RunResult> {
  const { scenario } = resolved;
  const fleet = scenario.fleet;
  if (fleet === undefined) throw new Error(`scenario ${scenario.name} is not a fleet scenario`);
  const seed = options.seed ?? scenario.seed;
  const catalog = options.catalog ?? loadCatalog();
  const spec = fleetSpec(resolved, seed, catalog);
  const stepMs = spec.stepMs;
  const alignUp = (ms: number) => Math.ceil(ms / stepMs) * stepMs;
  const decideAt = alignUp(fleet.observe);
  const judgeAt = alignUp(decideAt + scenario.tuning.validation);
  const spot: SpotTerms = {
    interruptionsPerDay: fleet.spot?.interruptionsPerDay ?? 0,
    restartMs: fleet.spot?.restart ?? 0,
  };
  const discount = fleet.spot?.discount ?? 0;
  const untuned = new FleetSimulation(spec);
  const tuned = new FleetSimulation(spec);
  const n = spec.vms.length;
  const sizer = scenario.tuning.components.includes("rightsizing")
    ? new RightSizer(catalog, { policy: scenario.tuning.policy })
    : undefined;
  const validation = new FleetValidation(n, policy(scenario.tuning.policy).cpuTarget);
  const meters = {
    untuned: new FleetMeter(stepMs, memoryOf(catalog)),
    tuned: new FleetMeter(stepMs, memoryOf(catalog)),
  };
  const windows = { untuned: new ScoreWindow(), tuned: new ScoreWindow() };
  const hourly = new ScoreWindow();
  const tracker = new ConvergenceTracker(1);
  const timeline: TimelinePoint[] = [];
  const history: HistoryEntry[] = [];
  let decisions: FleetDecision[] = [];
  const kept: FleetDecision[] = [];
  let hash = 0x811c9dc5;
  const emit = options.onUpdate ?? (() => {});
  const record = (
    time: number,
    d: FleetDecision,
    action: string,
    impactPct: number,
    rolledBack: boolean,
    reason: string,
  ) => {
    const entry: HistoryEntry = {
      time,
      component: d.component,
      action,
      knob: d.knob,
      from: JSON.stringify(d.from),
      to: JSON.stringify(d.to),
      impactPct,
      success: !rolledBack,
      rolledBack,
      reason,
    };
    history.push(entry);
  };
  let windowStart = 0;
  for (let t = 0; t < spec.durationMs; t += stepMs) {
    if (t === decideAt) {
      decisions = decideFleet(tuned.vms, sizer, scenario.tuning.components, fleet.spot !== undefined);
      for (const d of decisions) {
        applyDecision(tuned.vms[d.vm] as FleetSimulation["vms"][number], d, catalog, spot, discount);
        record(t, d, "apply", 0, false, d.reason);
      }
    }
    if (t === judgeAt) {
      for (const d of decisions) {
        const verdict = validation.judge(d, tuned.vms[d.vm] as FleetSimulation["vms"][number]);
        if (verdict.keep) kept.push(d);
        else applyDecision(tuned.vms[d.vm] as FleetSimulation["vms"][number], d, catalog, spot, discount, true);
        record(t, d, verdict.keep ? "keep" : "revert", verdict.impactPct, !verdict.keep, verdict.reason);
      }
    }
    const a = untuned.step(t);
    const b = tuned.step(t);
    hash = hashStep(hashStep(hash, a), b);
    // Monitoring has no sample of a VM while it is down (reclaimed spot capacity).
    if (t < decideAt && sizer !== undefined)
      for (let i = 0; i < n; i++)
        if (untuned.state[i] !== 2)
          observeFleetVm(sizer, untuned.vms[i] as FleetVm, catalog, t, untuned.utilization[i] as number);
    if (t >= decideAt && t < judgeAt) validation.add(untuned, tuned);
    if (t >= judgeAt) {
      meters.untuned.add(untuned, a);
      meters.tuned.add(tuned, b);
    }
    windows.untuned.add(untuned, a);
    windows.tuned.add(tuned, b);
    hourly.add(tuned, b);
    const end = t + stepMs;
    if (end % HOUR_MS === 0 || end >= spec.durationMs) {
      const { score: _, ...point } = hourly.take(stepMs);
      timeline.push({ minute: end / 60_000, ...point });
    }
    if (end % DAY_MS === 0 || end >= spec.durationMs) {
      const before = windows.untuned.take(stepMs).score;
      const after = windows.tuned.take(stepMs).score;
      const window = tracker.add(windowStart / 60_000, end / 60_000, before > 0 ? after / before : 0, end > judgeAt);
      emit({
        type: "window",
        startMin: window.startMin,
        endMin: window.endMin,
        improvementPct: window.improvementPct,
        score: after,
      });
      windowStart = end;
    }
    // Let a long fleet run yield now and then, so progress reaches the terminal.
    if (t % DAY_MS === 0) await Promise.resolve();
  }
  let components: ComponentImpact[] | undefined;
  if (options.measureComponents === true) {
    components = [];
    for (const component of ["rightsizing", "cost"] as const) {
      const own = kept.filter((d) => d.component === component);
      if (own.length === 0) continue;
      const meter = measureWith(spec, own, decideAt, judgeAt, catalog, spot, discount);
      components.push({ component, changes: own.length, metrics: meter.metrics() });
    }
  }
  const finalKnobs: Record<string, number | string> = {};
  tuned.vms.forEach((vm) => {
    finalKnobs[`instance-type@${vm.name}`] = vm.instanceType;
    finalKnobs[`pricing@${vm.name}`] = vm.spot === undefined ? "on-demand" : "spot";
  });
  return {
    scenario: scenario.name,
    seed,
    configHash: configHash(scenario),
    traceHash: (hash >>> 0).toString(16).padStart(8, "0"),
    modelVersion: modelVersion(resolved),
    startTime: 0,
    baseline: meters.untuned.metrics(),
    tuned: meters.tuned.metrics(),
    convergence: {
      converged: tracker.convergedAtMin !== undefined,
      atMinutes: tracker.convergedAtMin ?? null,
      windows: tracker.windows,
    },
    history,
    rollbacks: history.filter((e) => e.rolledBack).length,
    finalKnobs,
    detail: {
      mode: "fleet",
      evaluationMinutes: (spec.durationMs - judgeAt) / 60_000,
      latencyUnit: "vm-step",
      baseline: meters.untuned.detail(untuned),
      tuned: meters.tuned.detail(tuned),
      timeline,
      ...(components === undefined ? {} : { components }),
    },
  };
}

import type { Change, KnobName, KnobRef, KnobValue, Observation } from "../src/backend.js";
import { sameKnobValue } from "../src/backend.js";
import type { LogHistogram } from "../src/metrics/log-histogram.js";
import type { SloSample } from "../src/orchestrator/ab-test.js";
import type { Counterfactual } from "../src/orchestrator/counterfactual.js";
import { sloSample } from "../src/orchestrator/orchestrator.js";
import type { ResolvedScenario } from "../src/scenario/load-scenario.js";
import { SimBackend } from "./sim-backend.js";
import type { InstanceLookup } from "./twin/twin-knobs.js";

/** The inverse of knobKey: "io-scheduler@sda" → {knob, target}. */
export function parseKnobKey(key: string): KnobRef {
  const at = key.indexOf("@");
  return { knob: key.slice(0, at) as KnobName, target: key.slice(at + 1) };
}

/** Runs a fork of the twin: in process (ForkRunner) or on worker threads (ForkPool). */
export interface ForkExecutor {
  run(
    seed: number,
    state: ReadonlyMap<string, KnobValue>,
    changes: readonly Change[],
    windowMs: number,
    sampleMs: number,
  ): Promise<ForkResult>;
}

export interface ForkResult {
  samples: SloSample[];
  /** The last sample's observation (the whole window when sampleMs = windowMs). */
  window: Observation;
  monthlyCostUsd: number;
  traceHash: string;
  /** Response times (µs) of the request-serving VMs over the last sample (the whole window when sampleMs = windowMs). */
  latencyUs: LogHistogram;
}

/**
 * Runs the scenario afresh with a knob state (and extra changes), warms it up, then measures a
 * window in samples. Two forks with the same seed draw the same arrivals and demands (each VM
 * and device has its own named random streams), so their difference is the configuration's:
 * common random numbers.
 */
export class ForkRunner implements ForkExecutor {
  constructor(
    private readonly resolved: ResolvedScenario,
    private readonly instances: InstanceLookup | undefined,
    private readonly warmupMs = 60_000,
  ) {}

  async run(
    seed: number,
    state: ReadonlyMap<string, KnobValue>,
    changes: readonly Change[],
    windowMs: number,
    sampleMs: number,
  ): Promise<ForkResult> {
    const backend = new SimBackend(this.resolved, {
      seed,
      ...(this.instances === undefined ? {} : { instances: this.instances }),
    });
    let id = 0;
    for (const [key, value] of state) {
      const knob = parseKnobKey(key);
      if (sameKnobValue(await backend.readKnob(knob), value)) continue;
      await backend.apply({ id: `state-${++id}`, knob, to: value, component: "fork", reason: "restore state" });
    }
    for (const change of changes) await backend.apply(change);
    await backend.clock.sleep(this.warmupMs);
    await backend.observe();
    const samples: SloSample[] = [];
    const steps = Math.max(1, Math.round(windowMs / sampleMs));
    const topology = await backend.topology();
    let window: Observation | undefined;
    for (let i = 0; i < steps; i++) {
      await backend.clock.sleep(sampleMs);
      const observation = await backend.observe();
      window = observation;
      const sample = sloSample(observation, topology);
      if (sample !== undefined) samples.push(sample);
    }
    if (window === undefined) throw new Error("a fork observed nothing");
    return {
      samples,
      window,
      monthlyCostUsd: window.service?.monthlyCostUsd ?? 0,
      traceHash: backend.twin.sim.traceHashHex,
      latencyUs: backend.lastLatencyHistogram(),
    };
  }
}

/**
 * The twin's Counterfactual: every comparison runs the state with and without the changes on one
 * fixed seed, so all comparisons of a run share their random numbers (what the arrivals and
 * demands are) and differ only in configuration; a state's own run is computed once.
 */
export class ForkCounterfactual implements Counterfactual {
  private readonly baselines = new Map<string, Promise<ForkResult>>();

  private readonly seed: number;

  constructor(
    private readonly runner: ForkExecutor,
    baseSeed: number,
  ) {
    this.seed = baseSeed * 1_000_003 + 1;
  }

  async evaluate(state: ReadonlyMap<string, KnobValue>, windowMs: number, sampleMs: number) {
    const run = await this.baseline(state, windowMs, sampleMs);
    return { samples: run.samples, cost: run.monthlyCostUsd };
  }

  /** The state alone on the fixed seed, computed once per state and window. */
  private baseline(state: ReadonlyMap<string, KnobValue>, windowMs: number, sampleMs: number): Promise<ForkResult> {
    const key = `${windowMs}/${sampleMs}/${JSON.stringify([...state])}`;
    let run = this.baselines.get(key);
    if (run === undefined) {
      run = this.runner.run(this.seed, state, [], windowMs, sampleMs);
      this.baselines.set(key, run);
      if (this.baselines.size > 64) this.baselines.delete(this.baselines.keys().next().value as string);
    }
    return run;
  }

  async compare(state: ReadonlyMap<string, KnobValue>, changes: readonly Change[], windowMs: number, sampleMs: number) {
    const a = await this.baseline(state, windowMs, sampleMs);
    const b = await this.runner.run(this.seed, state, changes, windowMs, sampleMs);
    return { a: a.samples, b: b.samples, costA: a.monthlyCostUsd, costB: b.monthlyCostUsd };
  }
}

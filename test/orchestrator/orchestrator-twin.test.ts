import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ForkCounterfactual, ForkRunner } from "../../sim/fork-runner.js";
import { RandomStreams } from "../../sim/rng.js";
import { SimBackend } from "../../sim/sim-backend.js";
import { runTuning } from "../../sim/tuning-run.js";
import type { KnobRef, KnobValue } from "../../src/backend.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { CpuPinning } from "../../src/tuners/cpu-pinning.js";
import { IoTuner } from "../../src/tuners/io-tuner.js";
import { NetworkTuner } from "../../src/tuners/network-tuner.js";
import { NumaOptimizer } from "../../src/tuners/numa-optimizer.js";
import type { Recommendation, Tuner, TunerContext } from "../../src/tuners/tuner.js";
import { FaultyBackend } from "../helpers/faulty-backend.js";

const SMALL = new URL("../fixtures/scenarios/orchestrator-small.yaml", import.meta.url).pathname;
const resolved = loadScenario(SMALL);
// Shorter samples and what-if runs than the defaults keep each run to a few seconds.
const FAST = { sampleMs: 20_000, whatIfWindowMs: 60_000, whatIfSampleMs: 15_000 };

/** A deliberately bad tuner: random changes of the kind that hurt (a VM squeezed onto one CPU, a starved device queue). */
class RandomTuner implements Tuner {
  readonly component = "random";
  private readonly stream;
  constructor(seed: number) {
    this.stream = new RandomStreams(seed).stream("random-tuner");
  }
  recommend(context: TunerContext): Recommendation[] {
    const vms = context.topology.workloads.map((w) => w.id);
    const cpu = this.stream.integer(context.topology.cpus.length);
    const choices: [KnobRef, KnobValue][] = [
      [{ knob: "cpu-affinity", target: this.stream.pick(vms.filter((vm) => vm.startsWith("web"))) }, [cpu]],
      [{ knob: "cpu-affinity", target: this.stream.pick(vms) }, [cpu]],
      [{ knob: "nr-requests", target: "sda" }, 4],
    ];
    const [knob, to] = this.stream.pick(choices);
    return [{ component: this.component, knob, to, expectedImpact: 0.5, reasons: ["random"] }];
  }
}

describe("the orchestrator on the twin", () => {
  it("is deterministic per seed, forks in process or on worker threads, and leaves the tuned configuration no worse than the baseline", async () => {
    const first = await runTuning(resolved, { orchestrator: FAST });
    const second = await runTuning(resolved, { orchestrator: FAST, forkThreads: 2 });
    expect(second.history).toEqual(first.history);
    expect(second.tuned).toEqual(first.tuned);
    expect(second.traceHash).toBe(first.traceHash);
    // Results from worker threads carry the same latency histograms (revived from their clones).
    expect(second.detail).toEqual(first.detail);
    expect(first.tuned.throughputRps).toBeGreaterThanOrEqual(first.baseline.throughputRps * 0.98);
    expect(first.tuned.p95LatencyMs).toBeLessThanOrEqual(first.baseline.p95LatencyMs * 1.02);
    // A stationary workload converges, and every change it kept was judged first.
    expect(first.convergence.converged).toBe(true);
    const applied = first.history.filter((e) => e.action === "apply").length;
    const judged = first.history.filter((e) => e.action === "keep" || e.action === "revert").length;
    expect(judged).toBe(applied);
  }, 120_000);

  it("rolls back nearly all of a random tuner's changes and ends no worse than the baseline", async () => {
    const result = await runTuning(resolved, {
      tuners: [new RandomTuner(1)],
      orchestrator: { ...FAST, rankWithWhatIf: false },
    });
    const applied = result.history.filter((e) => e.action === "apply").length;
    const reverted = result.history.filter((e) => e.action === "revert").length;
    expect(applied).toBeGreaterThan(3);
    expect(reverted / applied).toBeGreaterThanOrEqual(0.75);
    expect(result.tuned.throughputRps).toBeGreaterThanOrEqual(result.baseline.throughputRps * 0.95);
    expect(result.tuned.p95LatencyMs).toBeLessThanOrEqual(result.baseline.p95LatencyMs * 1.1);
  }, 120_000);

  it("survives injected faults (failing writes, metric gaps, load spikes) without crashing or keeping a degrading change (fc.commands)", async () => {
    interface Model {
      rounds: number;
    }
    interface Real {
      orchestrator: Orchestrator;
      faulty: FaultyBackend;
      backend: SimBackend;
      maxInFlight: number;
    }
    class Round implements fc.AsyncCommand<Model, Real> {
      check = () => true;
      async run(model: Model, real: Real) {
        await real.orchestrator.runOnce();
        model.rounds++;
        expect(real.maxInFlight).toBeLessThanOrEqual(5);
      }
      toString = () => "round";
    }
    class FailWrites implements fc.AsyncCommand<Model, Real> {
      constructor(readonly knob: string) {}
      check = () => true;
      async run(_model: Model, real: Real) {
        real.faulty.failWrites = (ref) => ref.knob === this.knob;
      }
      toString = () => `fail-writes(${this.knob})`;
    }
    class Gap implements fc.AsyncCommand<Model, Real> {
      constructor(readonly count: number) {}
      check = () => true;
      async run(_model: Model, real: Real) {
        real.faulty.gapsLeft += this.count;
      }
      toString = () => `gap(${this.count})`;
    }
    class Spike implements fc.AsyncCommand<Model, Real> {
      constructor(readonly count: number) {}
      check = () => true;
      async run(_model: Model, real: Real) {
        real.faulty.spikeLeft += this.count;
      }
      toString = () => `spike(${this.count})`;
    }
    const commands = [
      fc.constant(new Round()),
      fc.constant(new Round()),
      fc.constantFrom("cpu-affinity", "memory-policy", "io-scheduler").map((knob) => new FailWrites(knob)),
      fc.integer({ min: 1, max: 4 }).map((n) => new Gap(n)),
      fc.integer({ min: 1, max: 6 }).map((n) => new Spike(n)),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 14 }),
        fc.integer({ min: 0, max: 1000 }),
        async (cmds, seed) => {
          const backend = new SimBackend(resolved, { seed });
          const faulty = new FaultyBackend(backend);
          const real: Real = { faulty, backend, maxInFlight: 0, orchestrator: undefined as never };
          const runner = new ForkRunner(resolved, undefined, 30_000);
          real.orchestrator = new Orchestrator(
            faulty,
            [new NumaOptimizer(), new CpuPinning(), new IoTuner({ judged: true }), new NetworkTuner()],
            {
              config: { ...FAST, tuningIntervalMs: 60_000, validationPeriodMs: 120_000 },
              counterfactual: new ForkCounterfactual(runner, seed),
              onUpdate: (update) => {
                if (update.type === "in-flight") real.maxInFlight = Math.max(real.maxInFlight, update.operations);
              },
            },
          );
          await real.orchestrator.initialize();
          const initial = new Map(real.orchestrator.knobs());
          await fc.asyncModelRun(() => ({ model: { rounds: 0 }, real }), cmds);
          await real.orchestrator.finish();
          // Judge the end state against the start on the same window and seed: nothing kept degrades the service.
          const evaluation = new ForkRunner(resolved, undefined, 30_000);
          const before = await evaluation.run(seed, initial, [], 120_000, 120_000);
          const after = await evaluation.run(seed, real.orchestrator.knobs(), [], 120_000, 120_000);
          expect(after.window.service?.throughputRps ?? 0).toBeGreaterThanOrEqual(
            (before.window.service?.throughputRps ?? 0) * 0.95,
          );
          expect(after.window.service?.latencyMs.p95 ?? 0).toBeLessThanOrEqual(
            (before.window.service?.latencyMs.p95 ?? 0) * 1.1,
          );
          const history = real.orchestrator.history();
          expect(history.filter((e) => e.action === "apply").length).toBe(
            history.filter((e) => e.action === "keep" || e.action === "revert").length,
          );
        },
      ),
      { numRuns: 4, seed: 20261130 },
    );
  }, 600_000);
});

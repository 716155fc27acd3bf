import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ForkCounterfactual, ForkRunner } from "../../sim/fork-runner.js";
import { RandomStreams } from "../../sim/rng.js";
import { SimBackend } from "../../sim/sim-backend.js";
import { runTuning } from "../../sim/tuning-run.js";
import type { KnobRef, KnobValue } from "../../src/backend.js";
import { abVerdict } from "../../src/orchestrator/ab-test.js";
import type { Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { CpuPinning } from "../../src/tuners/cpu-pinning.js";
import { IoTuner } from "../../src/tuners/io-tuner.js";
import { NetworkTuner } from "../../src/tuners/network-tuner.js";
import { NumaOptimizer } from "../../src/tuners/numa-optimizer.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "../../src/tuners/tuner.js";
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

  it("rolls back nearly all of a random tuner's changes, every one that degraded, and ends no worse than the baseline", async () => {
    let applied = 0;
    let reverted = 0;
    for (const seed of [1, 2, 3]) {
      const result = await runTuning(resolved, {
        tuners: [new RandomTuner(seed)],
        orchestrator: { ...FAST, rankWithWhatIf: false },
      });
      const history = result.history.filter((e) => e.component === "random");
      applied += history.filter((e) => e.action === "apply").length;
      reverted += history.filter((e) => e.action === "revert").length;
      for (const e of history.filter((x) => x.action === "keep" || x.action === "revert")) {
        // Reverted: measured worse than the 10% threshold; kept: measured within it.
        if (e.action === "revert") expect(e.impactPct).toBeLessThan(-10);
        else expect(e.impactPct).toBeGreaterThanOrEqual(-10);
        // A busy VM squeezed onto one CPU is the harm this tuner does; none of it is kept.
        if (e.knob.startsWith("cpu-affinity@")) expect(e.action).toBe("revert");
      }
      expect(result.tuned.throughputRps).toBeGreaterThanOrEqual(result.baseline.throughputRps * 0.95);
      expect(result.tuned.p95LatencyMs).toBeLessThanOrEqual(result.baseline.p95LatencyMs * 1.1);
    }
    expect(applied).toBeGreaterThan(15);
    expect(reverted / applied).toBeGreaterThanOrEqual(0.75);
  }, 180_000);

  it("survives injected faults (failing writes, metric gaps, load spikes) without crashing or keeping a degrading change (fc.commands)", async () => {
    interface Model {
      rounds: number;
    }
    interface Real {
      orchestrator: Orchestrator;
      faulty: FaultyBackend;
      maxInFlight: number;
    }
    const LIMIT = 2; // low enough to bind: the tuners below propose more than two batches a round
    class Round implements fc.AsyncCommand<Model, Real> {
      check = () => true;
      async run(model: Model, real: Real) {
        await real.orchestrator.runOnce();
        model.rounds++;
        expect(real.maxInFlight).toBeLessThanOrEqual(LIMIT);
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
      fc.constant(new Round()),
      fc.constantFrom("cpu-affinity", "memory-policy", "nr-requests").map((knob) => new FailWrites(knob)),
      fc.integer({ min: 1, max: 4 }).map((n) => new Gap(n)),
      fc.integer({ min: 1, max: 6 }).map((n) => new Spike(n)),
    ];
    // What the runs went through, all of them together: the faults must really have been met.
    const seen = { reverts: 0, failedWrites: 0, degradedValidations: 0, atLimit: 0 };
    const validationMs = 120_000;
    const threshold = 0.1;
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 16 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.boolean(),
        async (cmds, seed, rankWithWhatIf) => {
          const backend = new SimBackend(resolved, { seed });
          const faulty = new FaultyBackend(backend);
          const real: Real = { faulty, maxInFlight: 0, orchestrator: undefined as never };
          // Every validation's verdict, by time and knob, judged as the orchestrator must judge it.
          const verdicts: { time: number; changes: string[]; degraded: boolean }[] = [];
          const twin = new ForkCounterfactual(new ForkRunner(resolved, undefined, 30_000), seed);
          const recording: Counterfactual = {
            evaluate: (state, windowMs, sampleMs) => twin.evaluate(state, windowMs, sampleMs),
            compare: async (state, changes, windowMs, sampleMs) => {
              const result = await twin.compare(state, changes, windowMs, sampleMs);
              if (windowMs === validationMs)
                verdicts.push({
                  time: backend.clock.now(),
                  changes: changes.map((c) => `${knobKey(c.knob)}=${JSON.stringify(c.to)}`),
                  degraded: abVerdict(result.a, result.b, threshold, true).degraded,
                });
              return result;
            },
          };
          real.orchestrator = new Orchestrator(
            faulty,
            [
              new NumaOptimizer(),
              new CpuPinning(),
              new IoTuner({ judged: true }),
              new NetworkTuner(),
              new RandomTuner(seed),
            ],
            {
              config: {
                ...FAST,
                tuningIntervalMs: 60_000,
                validationPeriodMs: validationMs,
                degradationThreshold: threshold,
                maxConcurrentTuning: LIMIT,
                rankWithWhatIf,
              },
              counterfactual: recording,
              onUpdate: (update) => {
                if (update.type === "in-flight") real.maxInFlight = Math.max(real.maxInFlight, update.operations);
              },
            },
          );
          await real.orchestrator.initialize();
          const initial = new Map(real.orchestrator.knobs());
          await fc.asyncModelRun(() => ({ model: { rounds: 0 }, real }), cmds);
          await real.orchestrator.finish();
          const history = real.orchestrator.history();
          // Change by change: what validation found degrading was reverted, and nothing it found so was kept.
          for (const verdict of verdicts) {
            const judged = history.filter(
              (e) =>
                e.time === verdict.time &&
                verdict.changes.includes(`${knobKey(e.knob)}=${JSON.stringify(e.to)}`) &&
                (e.action === "keep" || e.action === "revert"),
            );
            const kept = judged.filter((e) => e.action === "keep");
            if (verdict.degraded) expect(kept, `kept after a degrading validation at ${verdict.time}`).toEqual([]);
            else expect(judged.filter((e) => e.action === "revert")).toEqual([]);
          }
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
          expect(history.filter((e) => e.action === "apply").length).toBe(
            history.filter((e) => e.action === "keep" || e.action === "revert").length,
          );
          seen.reverts += history.filter((e) => e.action === "revert").length;
          seen.failedWrites += history.filter((e) => e.action === "fail").length;
          seen.degradedValidations += verdicts.filter((v) => v.degraded).length;
          if (real.maxInFlight === LIMIT) seen.atLimit++;
        },
      ),
      { numRuns: 6, seed: 20261201 },
    );
    // The faults were met, not only declared: degrading changes, failing writes, a binding limit.
    expect(seen.degradedValidations).toBeGreaterThan(0);
    expect(seen.reverts).toBeGreaterThan(0);
    expect(seen.failedWrites).toBeGreaterThan(0);
    expect(seen.atLimit).toBeGreaterThan(0);
  }, 900_000);
});

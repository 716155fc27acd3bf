import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { ApplyOptions, Change, KnobValue, Receipt } from "../../src/backend.js";
import type { SloSample } from "../../src/orchestrator/ab-test.js";
import type { Comparison, Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import type { OrchestratorConfig } from "../../src/orchestrator/orchestrator-config.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Recommendation, Tuner } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

const samples = (throughputRps: number): SloSample[] =>
  Array.from({ length: 6 }, (_, i) => ({ throughputRps: throughputRps + (i % 2), p95LatencyMs: 10, errorRate: 0 }));

/** A twin that predicts and validates a 10% gain for every change: each step is kept. */
const gaining: Counterfactual = {
  evaluate: async () => ({ samples: samples(100), cost: 100 }),
  compare: async (): Promise<Comparison> => ({ a: samples(100), b: samples(110), costA: 100, costB: 100 }),
};

/** The twin, refusing any dry run of `refused` knobs as a kernel would refuse the write. */
class RefusingBackend extends SimBackend {
  dryRuns = 0;
  constructor(private readonly refused: string) {
    super(loadScenario(SMALL));
  }
  override async apply(change: Change, options?: ApplyOptions): Promise<Receipt> {
    if (options?.dryRun === true) {
      this.dryRuns++;
      if (change.knob.knob === this.refused) throw new Error(`${this.refused}: Invalid argument`);
    }
    return super.apply(change, options);
  }
}

const always =
  (...recommendations: Recommendation[]): Tuner["recommend"] =>
  () =>
    recommendations;

function orchestrator(backend: SimBackend, recommend: Tuner["recommend"], config: Partial<OrchestratorConfig> = {}) {
  return new Orchestrator(backend, [{ component: "io", recommend }], {
    config: { tuningIntervalMs: 60_000, sampleMs: 30_000, validationPeriodMs: 120_000, ...config },
    counterfactual: gaining,
  });
}

const readAhead = (to: number): Recommendation => ({
  component: "io",
  knob: { knob: "read-ahead-kb", target: "sda" },
  to,
  expectedImpact: 0.2,
  reasons: ["stream"],
});

const appliedValues = (o: Orchestrator): (KnobValue | undefined)[] =>
  o
    .history()
    .filter((e) => e.action === "apply")
    .map((e) => e.to);

describe("the orchestrator's plan and apply steps", () => {
  it("moves a numeric knob gradually, at most maxStepFactor per step, each step validated before the next", async () => {
    const backend = new SimBackend(loadScenario(SMALL));
    expect(await backend.readKnob({ knob: "read-ahead-kb", target: "sda" })).toBe(128);
    const o = orchestrator(backend, always(readAhead(4096)));
    await o.initialize();
    for (let round = 0; round < 12; round++) await o.runOnce();
    expect(appliedValues(o)).toEqual([512, 2048, 4096]);
    // Each step was kept before the next was applied.
    const actions = o
      .history()
      .filter((e) => e.action === "apply" || e.action === "keep")
      .map((e) => e.action);
    expect(actions).toEqual(["apply", "keep", "apply", "keep", "apply", "keep"]);
    expect(await backend.readKnob({ knob: "read-ahead-kb", target: "sda" })).toBe(4096);
  });

  it("moves it in one step when gradual changes are off", async () => {
    const o = orchestrator(new SimBackend(loadScenario(SMALL)), always(readAhead(4096)), { gradualChanges: false });
    await o.initialize();
    for (let round = 0; round < 6; round++) await o.runOnce();
    expect(appliedValues(o)).toEqual([4096]);
  });

  it("drops a group whole when the dry run refuses one of its changes, and records why", async () => {
    const backend = new RefusingBackend("nr-requests");
    const group = (r: Recommendation): Recommendation => ({ ...r, group: "sda" });
    const o = orchestrator(
      backend,
      always(
        group({
          component: "io",
          knob: { knob: "io-scheduler", target: "sda" },
          to: "bfq",
          expectedImpact: 0.2,
          reasons: ["t"],
        }),
        group({
          component: "io",
          knob: { knob: "nr-requests", target: "sda" },
          to: 64,
          expectedImpact: 0.2,
          reasons: ["t"],
        }),
      ),
    );
    await o.initialize();
    await o.runOnce();
    expect(backend.dryRuns).toBeGreaterThan(0);
    expect(appliedValues(o)).toEqual([]);
    expect(await backend.readKnob({ knob: "io-scheduler", target: "sda" })).toBe("mq-deadline");
    const failure = o.history().find((e) => e.success === false);
    expect(failure?.reason).toContain("dry run refused: nr-requests: Invalid argument");
  });

  it("a value the backend refuses never reaches a what-if fork: recorded, dropped, and its knob disabled after three", async () => {
    const backend = new RefusingBackend("nr-requests");
    const forked: string[] = [];
    // A fork refuses such a value too (the twin's knob check), and its error would end the run.
    const strict: Counterfactual = {
      evaluate: gaining.evaluate,
      compare: async (state, changes, windowMs, sampleMs) => {
        forked.push(...changes.map((c) => c.knob.knob));
        if (changes.some((c) => c.knob.knob === "nr-requests")) throw new Error("fork: nr-requests refused");
        return gaining.compare(state, changes, windowMs, sampleMs);
      },
    };
    const o = new Orchestrator(
      backend,
      [
        {
          component: "io",
          recommend: always(
            {
              component: "io",
              knob: { knob: "nr-requests", target: "sda" },
              to: 64,
              expectedImpact: 0.3,
              reasons: ["t"],
            },
            readAhead(256),
          ),
        },
      ],
      {
        config: { tuningIntervalMs: 60_000, sampleMs: 30_000, validationPeriodMs: 120_000, safeTuning: false },
        counterfactual: strict,
      },
    );
    await o.initialize();
    for (let round = 0; round < 4; round++) await o.runOnce();
    expect(forked).not.toContain("nr-requests");
    expect(forked).toContain("read-ahead-kb");
    const refused = o.history().filter((e) => e.knob.knob === "nr-requests");
    expect(refused.map((e) => e.action)).toEqual(["fail", "fail", "fail", "disable"]);
    expect(refused[0]?.reason).toBe("dry run refused: nr-requests: Invalid argument");
    expect(appliedValues(o)).toContain(256);
  });

  it("validation: a degraded change is reverted; with auto rollback off it stays, recorded as a failure, not a success", async () => {
    // Applied without a what-if (ranking off), then validated on a twin where P95 doubles.
    const degrading: Counterfactual = {
      evaluate: gaining.evaluate,
      compare: async (): Promise<Comparison> => ({
        a: samples(100),
        b: samples(100).map((s) => ({ ...s, p95LatencyMs: 20 })),
        costA: 100,
        costB: 100,
      }),
    };
    const verdicts = async (autoRollback: boolean) => {
      const o = new Orchestrator(
        new SimBackend(loadScenario(SMALL)),
        [{ component: "io", recommend: always(readAhead(256)) }],
        {
          config: {
            tuningIntervalMs: 60_000,
            sampleMs: 30_000,
            validationPeriodMs: 60_000,
            rankWithWhatIf: false,
            autoRollback,
          },
          counterfactual: degrading,
        },
      );
      await o.initialize();
      await o.runOnce();
      await o.runOnce();
      return o.history().filter((e) => e.action === "keep" || e.action === "revert");
    };
    const rolledBack = await verdicts(true);
    expect(rolledBack[0]).toMatchObject({ action: "revert", success: false, rolledBack: true });
    const kept = await verdicts(false);
    expect(kept[0]).toMatchObject({ action: "keep", success: false, rolledBack: false });
    expect(kept[0]?.impact).toBeCloseTo(-1, 6);
    expect(kept[0]?.reason).toBe(
      "p95LatencyMs 100.0% worse (p < 0.05, threshold 10%); not reverted: auto rollback is off",
    );
  });

  it("a kept change that only saves money reports the saving as its impact", async () => {
    const cheaper: Counterfactual = {
      evaluate: gaining.evaluate,
      compare: async (): Promise<Comparison> => ({ a: samples(100), b: samples(100), costA: 100, costB: 80 }),
    };
    const o = new Orchestrator(
      new SimBackend(loadScenario(SMALL)),
      [{ component: "io", recommend: always(readAhead(256)) }],
      {
        config: { tuningIntervalMs: 60_000, sampleMs: 30_000, validationPeriodMs: 60_000, rankWithWhatIf: false },
        counterfactual: cheaper,
      },
    );
    await o.initialize();
    await o.runOnce();
    await o.runOnce();
    const keep = o.history().find((e) => e.action === "keep");
    expect(keep?.impact).toBeCloseTo(0.2, 6);
    expect(keep?.reason).toMatch(/; cost -20\.0%$/);
  });

  it("without safe tuning it skips the dry run and applies what the backend takes", async () => {
    const backend = new RefusingBackend("nr-requests");
    const o = orchestrator(
      backend,
      always({
        component: "io",
        knob: { knob: "nr-requests", target: "sda" },
        to: 64,
        expectedImpact: 0.2,
        reasons: ["t"],
      }),
      // Ranking on the twin checks each candidate before its what-if fork: off here.
      { safeTuning: false, rankWithWhatIf: false },
    );
    await o.initialize();
    await o.runOnce();
    expect(backend.dryRuns).toBe(0);
    expect(appliedValues(o)).toEqual([64]);
  });

  it("a round lasts the interval even when samples do not divide it (150 s: three samples of 50 s)", async () => {
    const backend = new SimBackend(loadScenario(SMALL));
    const o = orchestrator(backend, () => [], { tuningIntervalMs: 150_000, sampleMs: 60_000 });
    await o.initialize();
    const start = backend.clock.now();
    await o.runOnce();
    await o.runOnce();
    expect(backend.clock.now() - start).toBe(300_000);
  });

  it("stop() ends start() after the round in progress", async () => {
    let rounds = 0;
    const o: Orchestrator = orchestrator(new SimBackend(loadScenario(SMALL)), () => {
      if (++rounds === 3) o.stop();
      return [];
    });
    await o.initialize();
    await o.start();
    expect(rounds).toBe(3);
  });
});

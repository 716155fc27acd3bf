import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, KnobValue } from "../../src/backend.js";
import type { SloSample } from "../../src/orchestrator/ab-test.js";
import type { Comparison, Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Tuner } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;
const WHAT_IF_MS = 120_000;
const VALIDATION_MS = 180_000;

const samples = (throughputRps: number, p95LatencyMs = 10): SloSample[] =>
  Array.from({ length: 6 }, (_, i) => ({ throughputRps: throughputRps + (i % 2), p95LatencyMs, errorRate: 0 }));

/** A twin whose what-if always promises a gain and whose validation says what `validated` says. */
class Scripted implements Counterfactual {
  constructor(private readonly validated: () => SloSample[]) {}
  async evaluate() {
    return { samples: samples(100), cost: 100 };
  }
  async compare(
    _state: ReadonlyMap<string, KnobValue>,
    _changes: readonly Change[],
    windowMs: number,
  ): Promise<Comparison> {
    return { a: samples(100), b: windowMs === VALIDATION_MS ? this.validated() : samples(110), costA: 100, costB: 100 };
  }
}

function orchestrator(tuner: Tuner, twin: Counterfactual) {
  return new Orchestrator(new SimBackend(loadScenario(SMALL)), [tuner], {
    config: {
      tuningIntervalMs: 60_000,
      sampleMs: 30_000,
      validationPeriodMs: VALIDATION_MS,
      whatIfWindowMs: WHAT_IF_MS,
    },
    counterfactual: twin,
  });
}

describe("the orchestrator's knob limits", () => {
  it("a change that degrades at every validation is reverted each time, then disabled after three failures in a row", async () => {
    const tuner: Tuner = {
      component: "io",
      recommend: () => [
        { component: "io", knob: { knob: "nr-requests", target: "sda" }, to: 32, expectedImpact: 0.2, reasons: ["t"] },
      ],
    };
    const o = orchestrator(tuner, new Scripted(() => samples(100, 20))); // validation: P95 doubled
    await o.initialize();
    for (let round = 0; round < 60; round++) await o.runOnce();
    const actions = o.history().map((e) => e.action);
    expect(actions.filter((a) => a === "revert")).toHaveLength(3);
    expect(actions.filter((a) => a === "keep")).toHaveLength(0);
    // Disabled as failing, said in an event; a revert is not a move back and forth.
    const disable = o.history().find((e) => e.action === "disable");
    expect(disable?.reason).toBe("disabled after 3 failures in a row");
    expect(actions).not.toContain("freeze");
    expect(actions.lastIndexOf("apply")).toBeLessThan(actions.indexOf("disable"));
  });

  it("a tuner flipping a knob between two values is frozen after three reversals, and says so", async () => {
    let round = 0;
    const tuner: Tuner = {
      component: "io",
      recommend: () => [
        {
          component: "io",
          knob: { knob: "nr-requests", target: "sda" },
          to: ++round % 2 === 0 ? 32 : 64,
          expectedImpact: 0.2,
          reasons: ["t"],
        },
      ],
    };
    const o = orchestrator(tuner, new Scripted(() => samples(105))); // every change is kept
    await o.initialize();
    for (let r = 0; r < 60; r++) await o.runOnce();
    const events = o.history();
    const freeze = events.find((e) => e.action === "freeze");
    expect(freeze?.reason).toMatch(/^oscillating: moved back and forth 3 times/);
    const applied = events.filter((e) => e.action === "apply");
    // The third return to a value it had left (nr_requests starts elsewhere) freezes it.
    expect(applied.map((e) => e.to)).toEqual([64, 32, 64, 32, 64]);
    expect(applied.at(-1)?.time).toBeLessThanOrEqual(freeze?.time as number);
  });
});

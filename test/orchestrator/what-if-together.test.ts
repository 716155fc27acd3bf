import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, KnobValue } from "../../src/backend.js";
import type { SloSample } from "../../src/orchestrator/ab-test.js";
import type { Comparison, Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import type { TuningEvent } from "../../src/orchestrator/tuning-event.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Recommendation, Tuner } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

/** Two independent proposals: a queue depth on each of two devices, the first ranked higher. */
class TwoDevices implements Tuner {
  readonly component = "io";
  recommend(): Recommendation[] {
    return [
      { component: "io", knob: { knob: "nr-requests", target: "sda" }, to: 32, expectedImpact: 0.2, reasons: ["a"] },
      { component: "io", knob: { knob: "nr-requests", target: "sdb" }, to: 32, expectedImpact: 0.1, reasons: ["b"] },
    ];
  }
}

const samples = (throughputRps: number, p95LatencyMs: number): SloSample[] =>
  Array.from({ length: 4 }, (_, i) => ({ throughputRps: throughputRps + (i % 2), p95LatencyMs, errorRate: 0 }));

/** A scripted twin: each change alone gains 10% throughput; both together double P95 when they clash. */
class Scripted implements Counterfactual {
  constructor(private readonly clash: boolean) {}
  async evaluate() {
    return { samples: samples(100, 10), cost: 100 };
  }
  async compare(_state: ReadonlyMap<string, KnobValue>, changes: readonly Change[]): Promise<Comparison> {
    const both = changes.length === 2;
    const b = both && this.clash ? samples(115, 20) : samples(100 + 10 * changes.length, 10);
    return { a: samples(100, 10), b, costA: 100, costB: 100 };
  }
}

async function firstRound(clash: boolean): Promise<TuningEvent[]> {
  const events: TuningEvent[] = [];
  const orchestrator = new Orchestrator(new SimBackend(loadScenario(SMALL)), [new TwoDevices()], {
    config: { tuningIntervalMs: 60_000, sampleMs: 30_000 },
    counterfactual: new Scripted(clash),
    onUpdate: (update) => {
      if (update.type === "event") events.push(update.event);
    },
  });
  await orchestrator.initialize();
  await orchestrator.runOnce();
  return events;
}

describe("what-if of the round's candidates together", () => {
  it("defers a change that helps alone but, with a higher-ranked one, would be reverted", async () => {
    const events = await firstRound(true);
    expect(events.filter((e) => e.action === "apply").map((e) => e.knob.target)).toEqual(["sda"]);
    const deferred = events.filter((e) => e.action === "skip");
    expect(deferred.map((e) => e.knob.target)).toEqual(["sdb"]);
    expect(deferred[0]?.reason).toMatch(/deferred to a later round/);
  });

  it("applies both when together they still gain", async () => {
    const events = await firstRound(false);
    expect(
      events
        .filter((e) => e.action === "apply")
        .map((e) => e.knob.target)
        .sort(),
    ).toEqual(["sda", "sdb"]);
    expect(events.filter((e) => e.action === "skip")).toEqual([]);
  });
});

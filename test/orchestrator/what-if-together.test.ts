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

/** What the scripted twin predicts: throughput and P95 for one change alone and for both together. */
interface Script {
  alone: [number, number];
  both: [number, number];
}

/** A scripted twin: each change alone, and both together, give the script's samples (no noise). */
class Scripted implements Counterfactual {
  constructor(private readonly script: Script) {}
  async evaluate() {
    return { samples: samples(100, 10), cost: 100 };
  }
  async compare(_state: ReadonlyMap<string, KnobValue>, changes: readonly Change[]): Promise<Comparison> {
    const [throughput, p95] = changes.length === 2 ? this.script.both : this.script.alone;
    return { a: samples(100, 10), b: samples(throughput, p95), costA: 100, costB: 100 };
  }
}

/** Each alone gains 10%; together 20%, or, when they clash, P95 doubles. */
const independent: Script = { alone: [110, 10], both: [120, 10] };
const clashing: Script = { alone: [110, 10], both: [115, 20] };

async function firstRound(script: Script): Promise<TuningEvent[]> {
  const events: TuningEvent[] = [];
  const orchestrator = new Orchestrator(new SimBackend(loadScenario(SMALL)), [new TwoDevices()], {
    config: { tuningIntervalMs: 60_000, sampleMs: 30_000 },
    counterfactual: new Scripted(script),
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
    const events = await firstRound(clashing);
    expect(events.filter((e) => e.action === "apply").map((e) => e.knob.target)).toEqual(["sda"]);
    const deferred = events.filter((e) => e.action === "skip");
    expect(deferred.map((e) => e.knob.target)).toEqual(["sdb"]);
    expect(deferred[0]?.reason).toMatch(/deferred to a later round/);
  });

  it("applies both when together they still gain", async () => {
    const events = await firstRound(independent);
    expect(
      events
        .filter((e) => e.action === "apply")
        .map((e) => e.knob.target)
        .sort(),
    ).toEqual(["sda", "sdb"]);
    expect(events.filter((e) => e.action === "skip")).toEqual([]);
  });

  it("defers the second when together they gain but P95 rises by more than half the threshold (7%)", async () => {
    // Score +12% together, so only the at-risk rule holds the second back: validation's longer
    // window would likely confirm what this short one cannot.
    const events = await firstRound({ alone: [110, 10], both: [120, 10.7] });
    expect(events.filter((e) => e.action === "apply").map((e) => e.knob.target)).toEqual(["sda"]);
    expect(events.filter((e) => e.action === "skip").map((e) => e.knob.target)).toEqual(["sdb"]);
  });

  it("applies neither when each alone gains on the score but P95 degrades beyond the threshold", async () => {
    // Throughput +30% and P95 +15%: the score (throughput / P95) gains 13%, the verdict degrades.
    const events = await firstRound({ alone: [130, 11.5], both: [160, 13] });
    expect(events.filter((e) => e.action === "apply")).toEqual([]);
    const skipped = events.filter((e) => e.action === "skip");
    expect(skipped.map((e) => e.knob.target).sort()).toEqual(["sda", "sdb"]);
    for (const event of skipped) {
      expect(event.impact).toBeGreaterThan(0.1);
      expect(event.reason).toBe("what-if on the twin: p95LatencyMs 15.0% worse; not applied");
    }
  });
});

import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, KnobValue } from "../../src/backend.js";
import type { SloSample } from "../../src/orchestrator/ab-test.js";
import type { Comparison, Counterfactual } from "../../src/orchestrator/counterfactual.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Recommendation, Tuner, TunerContext } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

const samples = (throughputRps: number): SloSample[] =>
  Array.from({ length: 4 }, (_, i) => ({ throughputRps: throughputRps + (i % 2), p95LatencyMs: 10, errorRate: 0 }));

/** Proposes a neutral change to sda from the first round and a good one to sdb from the second. */
class Proposals implements Tuner {
  readonly component = "io";
  private rounds = 0;
  recommend(_context: TunerContext): Recommendation[] {
    this.rounds++;
    const out: Recommendation[] = [
      { component: "io", knob: { knob: "nr-requests", target: "sda" }, to: 32, expectedImpact: 0.1, reasons: ["x"] },
    ];
    if (this.rounds >= 2)
      out.push({
        component: "io",
        knob: { knob: "nr-requests", target: "sdb" },
        to: 32,
        expectedImpact: 0.2,
        reasons: ["y"],
      });
    return out;
  }
}

/** A scripted twin: the sda change predicts nothing, the sdb change +10%; counts what-ifs of sda. */
class Scripted implements Counterfactual {
  sdaWhatIfs = 0;
  async evaluate() {
    return { samples: samples(100), cost: 100 };
  }
  async compare(_state: ReadonlyMap<string, KnobValue>, changes: readonly Change[]): Promise<Comparison> {
    if (changes.length === 1 && changes[0]?.knob.target === "sda") this.sdaWhatIfs++;
    const gain = changes.some((c) => c.knob.target === "sdb") ? 10 : 0;
    return { a: samples(100), b: samples(100 + gain), costA: 100, costB: 100 };
  }
}

describe("a candidate the twin judged not worth it", () => {
  it("rests while the knobs stay as they were and is judged again once they change", async () => {
    const twin = new Scripted();
    const orchestrator = new Orchestrator(new SimBackend(loadScenario(SMALL)), [new Proposals()], {
      config: { tuningIntervalMs: 60_000, sampleMs: 30_000 },
      counterfactual: twin,
    });
    await orchestrator.initialize();
    await orchestrator.runOnce(); // sda judged: +0%, skipped
    expect(twin.sdaWhatIfs).toBe(1);
    await orchestrator.runOnce(); // same knobs: sda rests; sdb judged and applied
    expect(twin.sdaWhatIfs).toBe(1);
    expect(orchestrator.knobs().get("nr-requests@sdb")).toBe(32);
    await orchestrator.runOnce(); // the knobs changed: sda is judged again
    expect(twin.sdaWhatIfs).toBe(2);
    await orchestrator.runOnce(); // and rests again
    expect(twin.sdaWhatIfs).toBe(2);
  });
});

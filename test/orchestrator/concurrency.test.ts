import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { KnobRef, KnobValue } from "../../src/backend.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import type { TuningEvent } from "../../src/orchestrator/tuning-event.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Recommendation, Tuner } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

/** A tuner that always proposes the same changes, each its own group, the first ranked highest. */
class Fixed implements Tuner {
  constructor(
    readonly component: string,
    private readonly changes: [KnobRef, KnobValue][],
  ) {}
  recommend(): Recommendation[] {
    return this.changes.map(([knob, to], i) => ({
      component: this.component,
      knob,
      to,
      expectedImpact: 0.5 - i * 0.1,
      reasons: ["test"],
    }));
  }
}

describe("concurrency: one operation is one component's batch", () => {
  it("starts at most maxConcurrentTuning batches of at most maxGroupsPerBatch groups, and none while the slots are taken", async () => {
    const readAhead = (target: string): KnobRef => ({ knob: "read-ahead-kb", target });
    const tuners = [
      new Fixed("a", [
        [readAhead("nvme0n1"), 64],
        [readAhead("sda"), 64],
        [readAhead("sdb"), 64],
      ]),
      new Fixed("b", [
        [{ knob: "cpu-affinity", target: "web" }, [0, 1, 2, 3]],
        [{ knob: "cpu-affinity", target: "copy" }, [4, 5, 6, 7]],
      ]),
      new Fixed("c", [[{ knob: "tcp-congestion-control", target: "host" }, "bbr"]]),
    ];
    const events: TuningEvent[] = [];
    const inFlight: number[] = [];
    const orchestrator = new Orchestrator(new SimBackend(loadScenario(SMALL)), tuners, {
      config: { tuningIntervalMs: 60_000, sampleMs: 30_000, maxConcurrentTuning: 2, maxGroupsPerBatch: 2 },
      onUpdate: (update) => {
        if (update.type === "event") events.push(update.event);
        if (update.type === "in-flight") inFlight.push(update.operations);
      },
    });
    await orchestrator.initialize();
    await orchestrator.runOnce();
    const applied = events.filter((e) => e.action === "apply");
    // Components a and b take the two slots (ranked first); a's third group waits; c gets no slot.
    expect(applied.map((e) => `${e.component}:${e.knob.target}`).sort()).toEqual([
      "a:nvme0n1",
      "a:sda",
      "b:copy",
      "b:web",
    ]);
    expect(inFlight.at(-1)).toBe(2);
    // The validation period (10 min) is not over after another 1-minute round: nothing new starts.
    await orchestrator.runOnce();
    expect(events.filter((e) => e.action === "apply")).toHaveLength(4);
    expect(Math.max(...inFlight)).toBeLessThanOrEqual(2);
  });
});

import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import { sameKnobValue } from "../../src/backend.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import type { TuningEvent } from "../../src/orchestrator/tuning-event.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { NumaOptimizer } from "../../src/tuners/numa-optimizer.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

async function tunedOnce(): Promise<{ backend: SimBackend; orchestrator: Orchestrator; events: TuningEvent[] }> {
  const backend = new SimBackend(loadScenario(SMALL));
  const events: TuningEvent[] = [];
  const orchestrator = new Orchestrator(backend, [new NumaOptimizer()], {
    config: { tuningIntervalMs: 5 * 60_000, validationPeriodMs: 5 * 60_000 },
    onUpdate: (update) => {
      if (update.type === "event") events.push(update.event);
    },
  });
  await orchestrator.initialize();
  await orchestrator.runOnce();
  return { backend, orchestrator, events };
}

describe("Orchestrator.revertLast (the operator's 'revert the last change')", () => {
  it("undoes the last step's changes for one component and target together, and holds those knobs", async () => {
    const { backend, orchestrator, events } = await tunedOnce();
    const applied = events.filter((e) => e.action === "apply");
    // The NUMA optimizer moves a VM's CPUs and memory together: two knobs of one target.
    expect(applied.map((e) => e.knob.knob).sort()).toEqual(["cpu-affinity", "memory-policy"]);
    const undone = await orchestrator.revertLast();
    expect(
      undone
        .filter((e) => e.action === "revert")
        .map((e) => e.knob.knob)
        .sort(),
    ).toEqual(["cpu-affinity", "memory-policy"]);
    expect(undone.filter((e) => e.action === "freeze")).toHaveLength(2);
    for (const e of applied) {
      // The twin holds the value from before the change again, and the orchestrator knows it.
      expect(sameKnobValue(await backend.readKnob(e.knob), e.from as never)).toBe(true);
      expect(sameKnobValue(orchestrator.knobs().get(`${e.knob.knob}@${e.knob.target}`) as never, e.from as never)).toBe(
        true,
      );
    }
    // Two more rounds: the held knobs are neither judged (no longer in flight) nor changed again.
    const before = events.length;
    await orchestrator.runOnce();
    await orchestrator.runOnce();
    const later = events.slice(before);
    const touched = later.filter((e) =>
      applied.some((a) => a.knob.knob === e.knob.knob && a.knob.target === e.knob.target),
    );
    expect(touched).toEqual([]);
    // Nothing else is in effect: a second revert has nothing to undo.
    expect(await orchestrator.revertLast()).toEqual([]);
  });

  it("refuses to run in the middle of a step that changes knobs", async () => {
    const backend = new SimBackend(loadScenario(SMALL));
    let attempt: Promise<unknown> | undefined;
    const orchestrator: Orchestrator = new Orchestrator(backend, [new NumaOptimizer()], {
      onUpdate: (update) => {
        if (update.type === "event" && update.event.action === "apply" && attempt === undefined)
          attempt = orchestrator.revertLast();
      },
    });
    await orchestrator.initialize();
    await orchestrator.runOnce();
    await expect(attempt).rejects.toThrow(/during the apply step/);
  });
});

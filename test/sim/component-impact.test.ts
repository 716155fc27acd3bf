import { describe, expect, it } from "vitest";
import { knobOwners, measureComponentImpact } from "../../sim/component-impact.js";
import { ForkRunner } from "../../sim/fork-runner.js";
import { metricsOf } from "../../sim/run-detail.js";
import { SimBackend } from "../../sim/sim-backend.js";
import type { HistoryEntry } from "../../src/report/run-result.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { knobKey } from "../../src/tuners/tuner.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

describe("component impact", () => {
  it("applies a component's kept changes with their side effects (a scheduler switch resets nr_requests)", async () => {
    const resolved = loadScenario(SMALL);
    const backend = new SimBackend(resolved, { seed: 3 });
    const initial = new Map<string, import("../../src/backend.js").KnobValue>();
    for (const ref of await backend.knobs()) initial.set(knobKey(ref), await backend.readKnob(ref));
    expect(initial.get("nr-requests@sda")).toBe(48);

    // The final host as the orchestrator left it: io switched sda to none, which reset its queue.
    const scheduler = { knob: "io-scheduler" as const, target: "sda" };
    await backend.apply({ id: "c1", knob: scheduler, to: "none", component: "io", reason: "test" });
    const final: Record<string, import("../../src/backend.js").KnobValue> = {};
    for (const ref of await backend.knobs()) final[knobKey(ref)] = await backend.readKnob(ref);
    expect(final["nr-requests@sda"]).toBeLessThan(48);

    const history: HistoryEntry[] = [
      {
        time: 0,
        component: "io",
        action: "apply",
        knob: "io-scheduler@sda",
        from: "mq-deadline",
        to: "none",
        impactPct: 0,
        success: true,
        rolledBack: false,
        reason: "",
      },
      {
        time: 1,
        component: "io",
        action: "keep",
        knob: "io-scheduler@sda",
        from: "mq-deadline",
        to: "none",
        impactPct: 1,
        success: true,
        rolledBack: false,
        reason: "",
      },
    ];
    expect([...knobOwners(history, initial, final)]).toEqual([["io", ["io-scheduler@sda"]]]);
    const runner = new ForkRunner(resolved, undefined, 10_000);
    const impact = await measureComponentImpact(runner, 3, 20_000, initial, final, history);
    expect(impact).toHaveLength(1);
    expect(impact[0]?.component).toBe("io");
    expect(impact[0]?.changes).toBe(1);
    // The untuned host with the switch applied as a change (its nr_requests reset included),
    // on the same seed and window; and not the untuned host's own figures.
    const change = { id: "x", knob: scheduler, to: "none", component: "io", reason: "test" };
    const withSwitch = metricsOf((await runner.run(3, initial, [change], 20_000, 20_000)).window);
    const untuned = metricsOf((await runner.run(3, initial, [], 20_000, 20_000)).window);
    expect(impact[0]?.metrics).toEqual(withSwitch);
    expect(impact[0]?.metrics).not.toEqual(untuned);
    // Written into the state instead, `none` with the untuned queue depth is no state a host can
    // be in: the twin refuses it.
    const contradictory = new Map(initial).set("io-scheduler@sda", "none");
    await expect(runner.run(3, contradictory, [], 20_000, 20_000)).rejects.toThrow(/nr-requests on sda/);
  });
});

import { describe, expect, it } from "vitest";
import { ForkCounterfactual, type ForkExecutor, ForkRunner } from "../../sim/fork-runner.js";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, KnobValue } from "../../src/backend.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";

const resolved = loadScenario(new URL("../fixtures/scenarios/orchestrator-small.yaml", import.meta.url).pathname);

describe("the twin's counterfactual: common random numbers", () => {
  it("runs with and without the changes on one seed: no change gives the same samples; a change differs", async () => {
    const runner = new ForkRunner(resolved, undefined, 10_000);
    const seeds: number[] = [];
    const spying: ForkExecutor = {
      run: (seed, state, changes, windowMs, sampleMs) => {
        seeds.push(seed);
        return runner.run(seed, state, changes, windowMs, sampleMs);
      },
    };
    const twin = new ForkCounterfactual(spying, 7);
    const backend = new SimBackend(resolved, { seed: 7 });
    const state = new Map<string, KnobValue>();
    for (const ref of await backend.knobs()) state.set(`${ref.knob}@${ref.target}`, await backend.readKnob(ref));
    const same = await twin.compare(state, [], 60_000, 15_000);
    expect(same.b).toEqual(same.a); // the same future twice: identical, sample by sample
    const web = (await backend.topology()).workloads.find((w) => w.id.startsWith("web"))?.id as string;
    const squeeze: Change = {
      id: "c",
      knob: { knob: "cpu-affinity", target: web },
      to: [0],
      component: "t",
      reason: "t",
    };
    const changed = await twin.compare(state, [squeeze], 60_000, 15_000);
    expect(changed.a).toEqual(same.a); // the baseline is that same run
    expect(changed.b).not.toEqual(changed.a);
    expect(new Set(seeds).size).toBe(1); // every run on one seed
  }, 60_000);
});

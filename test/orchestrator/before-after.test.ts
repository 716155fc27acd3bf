import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import type { Tuner } from "../../src/tuners/tuner.js";
import { FaultyBackend } from "../helpers/faulty-backend.js";

const resolved = loadScenario(new URL("../fixtures/scenarios/orchestrator-small.yaml", import.meta.url).pathname);

/** Without a twin (a live host), validation compares the windows before and after on one timeline (Welch). */
function liveLike(tuner: Tuner, faulty: FaultyBackend) {
  return new Orchestrator(faulty, [tuner], {
    config: { tuningIntervalMs: 60_000, sampleMs: 20_000, validationPeriodMs: 180_000, rankWithWhatIf: false },
  });
}

describe("validation before/after, without a twin", () => {
  it("reverts a degrading change, a load spike during its validation or not, and keeps running through gaps", async () => {
    for (const spike of [0, 6]) {
      const faulty = new FaultyBackend(new SimBackend(resolved, { seed: 3 }));
      const web = (await faulty.topology()).workloads.find((w) => w.id.startsWith("web"))?.id as string;
      let proposed = false;
      // Squeezes a busy web VM onto one CPU once the first minutes gave a before window.
      const tuner: Tuner = {
        component: "bad",
        recommend: (context) => {
          if (proposed || context.now < 180_000) return [];
          proposed = true;
          return [
            {
              component: "bad",
              knob: { knob: "cpu-affinity", target: web },
              to: [0],
              expectedImpact: 0.5,
              reasons: ["t"],
            },
          ];
        },
      };
      const o = liveLike(tuner, faulty);
      await o.initialize();
      for (let round = 0; round < 12; round++) {
        if (round === 4) faulty.spikeLeft += spike; // during the change's validation window
        if (round === 8) faulty.gapsLeft += 2;
        await o.runOnce();
      }
      const actions = o.history().map((e) => `${e.action} ${e.knob.knob}`);
      expect(actions, `spike ${spike}`).toEqual(["apply cpu-affinity", "revert cpu-affinity"]);
      expect(o.history()[1]?.reason).toMatch(/Welch t-test before\/after/);
      expect(await faulty.readKnob({ knob: "cpu-affinity", target: web })).not.toEqual([0]);
    }
  }, 120_000);
});

import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import { Orchestrator } from "../../src/orchestrator/orchestrator.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { NumaOptimizer } from "../../src/tuners/numa-optimizer.js";

const SMALL = new URL("../fixtures/scenarios/small-host.yaml", import.meta.url).pathname;

describe("Orchestrator.start(signal) on the twin", () => {
  it("stops between rounds when a timer aborts it: the rounds leave the event loop room to run", async () => {
    const orchestrator = new Orchestrator(new SimBackend(loadScenario(SMALL)), [new NumaOptimizer()], {
      config: { tuningIntervalMs: 60_000, validationPeriodMs: 60_000 },
    });
    await orchestrator.initialize();
    const controller = new AbortController();
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    setTimeout(() => controller.abort(), 200);
    const started = Date.now();
    await orchestrator.start(controller.signal);
    clearInterval(ticker);
    expect(controller.signal.aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(ticks).toBeGreaterThan(0);
  }, 30_000);
});

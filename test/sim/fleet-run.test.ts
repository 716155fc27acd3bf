import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { binnedQuantile } from "../../sim/fluid/fleet-decisions.js";
import { generateFleet } from "../../sim/fluid/fleet-generator.js";
import { FleetSimulation, simulateFleet } from "../../sim/fluid/fleet-model.js";
import { runFleetTuning } from "../../sim/fluid/fleet-run.js";
import { loadHostCatalog } from "../../src/catalog/host-catalog.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { parseKeyPath } from "../../src/scenario/scenario-override.js";
import { CPU_TARGET_BAND, placePricing, rightSize } from "../../src/tuners/fleet-sizing.js";

const host = loadHostCatalog().find((h) => h.name === "epyc-2s-nps4");
if (host === undefined) throw new Error("epyc-2s-nps4 missing");
const TINY = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-fleet.yaml");
const tiny = (sets: Record<string, unknown> = {}) =>
  loadScenario(
    TINY,
    undefined,
    Object.entries(sets).map(([key, value]) => ({ path: parseKeyPath(key), value, label: key })),
  );

describe("the fleet simulation", () => {
  it("simulateFleet is FleetSimulation stepped over the spec", () => {
    const spec = generateFleet({ vms: 50, hosts: 3, host, days: 1, seed: 3 });
    const simulation = new FleetSimulation(spec);
    const stepped = [];
    for (let t = 0; t < spec.durationMs; t += spec.stepMs) stepped.push(simulation.step(t));
    expect(simulateFleet(spec)).toEqual(stepped);
  });

  it("resizing one VM changes nothing else: demand and every other VM follow the same random numbers", () => {
    const spec = generateFleet({ vms: 60, hosts: 3, host, days: 1, seed: 9 });
    const a = new FleetSimulation(spec);
    const b = new FleetSimulation(spec);
    const vm = b.vms[17];
    if (vm === undefined) throw new Error("no VM 17");
    vm.vcpus = vm.vcpus === 16 ? 2 : vm.vcpus * 2;
    for (let t = 0; t < spec.durationMs; t += spec.stepMs) {
      a.step(t);
      b.step(t);
      expect(b.offeredRps).toEqual(a.offeredRps);
      for (let i = 0; i < 60; i++) if (i !== 17) expect(b.latencyMs[i]).toBe(a.latencyMs[i]);
    }
  });

  it("a spot VM is down for the restart time after each reclaim, and its requests fail meanwhile", () => {
    const spec = generateFleet({ vms: 1, hosts: 1, host, days: 60, seed: 5, stepMs: 600_000 });
    const vm = spec.vms[0];
    if (vm === undefined) throw new Error("no VM");
    vm.arrivals = { ratePerSec: 10, trendPerDay: 0 };
    vm.spot = { interruptionsPerDay: 2, restartMs: 3_600_000 };
    const simulation = new FleetSimulation(spec);
    let down = 0;
    let steps = 0;
    for (let t = 0; t < spec.durationMs; t += spec.stepMs, steps++) {
      const step = simulation.step(t);
      if (simulation.state[0] === 2) {
        down++;
        expect(step.throughputRps).toBe(0);
        expect(step.failedRps).toBeCloseTo(simulation.offeredRps[0] as number, 9);
      }
    }
    // Reclaims at 2 a day, each 1 h down (reclaims while down are absorbed): down 2/24 / (1 + 2/24) of the time.
    const expected = 2 / 24 / (1 + 2 / 24);
    expect(down / steps).toBeGreaterThan(expected * 0.75);
    expect(down / steps).toBeLessThan(expected * 1.25);
  });
});

describe("fleet sizing rules", () => {
  const ladder = [2, 4, 8, 16];
  it("keep a VM inside the band, else pick the smallest size that keeps P95 CPU at or under 80% (property)", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(...ladder), (p95, vcpus) => {
        const size = rightSize(p95, vcpus, ladder);
        if (p95 >= CPU_TARGET_BAND.min && p95 <= CPU_TARGET_BAND.max) return expect(size).toBe(vcpus);
        const demand = p95 * vcpus;
        if (size !== 16) expect(demand / size).toBeLessThanOrEqual(CPU_TARGET_BAND.max);
        for (const smaller of ladder.filter((s) => s < size))
          expect(demand / smaller).toBeGreaterThan(CPU_TARGET_BAND.max);
      }),
      { seed: 3 },
    );
  });

  it("put interruptible work on spot and latency-sensitive work off it", () => {
    expect(placePricing("on-demand", ["interruptible"])).toBe("spot");
    expect(placePricing("spot", ["latency-sensitive"])).toBe("on-demand");
    expect(placePricing("spot", [])).toBe("spot");
  });

  it("read quantiles from 1% bins as the upper edge of the bin", () => {
    const bins = new Float64Array(100);
    bins[10] = 90;
    bins[70] = 10;
    expect(binnedQuantile(bins, 0.5)).toBeCloseTo(0.11, 12);
    expect(binnedQuantile(bins, 0.95)).toBeCloseTo(0.71, 12);
    expect(binnedQuantile(new Float64Array(100), 0.95)).toBe(0);
  });
});

describe("a fleet scenario's run", () => {
  it("is deterministic, and its untuned side does not depend on the tuning (common random numbers)", async () => {
    const one = await runFleetTuning(tiny(), { seed: 2 });
    const two = await runFleetTuning(tiny(), { seed: 2 });
    expect(two).toEqual(one);
    const untouched = await runFleetTuning(tiny({ "tuning.components": [] }), { seed: 2 });
    expect(untouched.baseline).toEqual(one.baseline);
    expect(untouched.tuned).toEqual(untouched.baseline);
    expect(untouched.history).toEqual([]);
    expect((await runFleetTuning(tiny(), { seed: 3 })).traceHash).not.toBe(one.traceHash);
  });

  it("applies decisions after observing, judges each after validation, and measures the rest", async () => {
    const result = await runFleetTuning(tiny(), { seed: 1, measureComponents: true });
    const applied = result.history.filter((e) => e.action === "apply");
    const judged = result.history.filter((e) => e.action !== "apply");
    expect(applied.length).toBeGreaterThan(0);
    expect(judged.map((e) => e.knob)).toEqual(applied.map((e) => e.knob));
    expect(new Set(applied.map((e) => e.time))).toEqual(new Set([86_400_000]));
    expect(new Set(judged.map((e) => e.time))).toEqual(new Set([86_400_000 + 12 * 3_600_000]));
    for (const e of judged.filter((x) => x.rolledBack))
      expect(e.reason).toMatch(/saturated|above the band|more requests failed/);
    expect(result.rollbacks).toBe(judged.filter((e) => e.rolledBack).length);
    expect(result.detail.evaluationMinutes).toBe(3 * 1440 - 1440 - 720);
    expect(result.detail.mode).toBe("fleet");
    // The tuned fleet's cost is what its final sizes and pricing cost.
    const sum = result.detail.tuned.costs.reduce((s, c) => s + c.monthlyCostUsd, 0);
    expect(sum).toBeCloseTo(result.tuned.monthlyCostUsd, 6);
    for (const component of result.detail.components ?? [])
      expect(["rightsizing", "cost"]).toContain(component.component);
    const kept = result.history.filter((e) => e.action === "keep").length;
    expect((result.detail.components ?? []).reduce((s, c) => s + c.changes, 0)).toBe(kept);
  });
});

import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyDecision, type FleetDecision } from "../../sim/fluid/fleet-decisions.js";
import { generateFleet } from "../../sim/fluid/fleet-generator.js";
import { FleetSimulation, simulateFleet } from "../../sim/fluid/fleet-model.js";
import { runFleetTuning } from "../../sim/fluid/fleet-run.js";
import { fleetSpec } from "../../sim/fluid/fleet-setup.js";
import { binnedQuantile, FleetValidation } from "../../sim/fluid/fleet-validation.js";
import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import { loadHostCatalog } from "../../src/catalog/host-catalog.js";
import { loadScenario } from "../../src/scenario/load-scenario.js";
import { parseKeyPath } from "../../src/scenario/scenario-override.js";
import { placePricing } from "../../src/tuners/fleet-pricing.js";

const host = loadHostCatalog().find((h) => h.name === "epyc-2s-nps4");
if (host === undefined) throw new Error("epyc-2s-nps4 missing");
const catalog = loadCatalog();
const TINY = join(import.meta.dirname, "..", "fixtures", "scenarios", "tiny-fleet.yaml");
const tiny = (sets: Record<string, unknown> = {}) =>
  loadScenario(
    TINY,
    undefined,
    Object.entries(sets).map(([key, value]) => ({ path: parseKeyPath(key), value, label: key })),
  );

/** The catalog's 8-core / 16-thread host. */
function smallHost() {
  const small = loadHostCatalog().find((h) => h.name === "xeon-e2388g-1s8c");
  if (small === undefined) throw new Error("xeon-e2388g-1s8c missing");
  return small;
}

/** One fluid step of `vms` VMs of `vcpus` on that host, asked `total` requests/s of 1 ms together. */
function smallHostStep(vms: number, vcpus: number, total: number, cpuCv: number) {
  const spec = generateFleet({ vms, hosts: 1, host: smallHost(), days: 1, seed: 4, stepMs: 3_600_000 });
  for (const vm of spec.vms) {
    vm.host = 0;
    vm.vcpus = vcpus;
    vm.noiseCv = 0;
    vm.spot = undefined;
    vm.arrivals = { ratePerSec: total / vms, trendPerDay: 0 };
    vm.request = { ...vm.request, cpuMs: 1, cpuCv, memoryAccesses: 0 };
  }
  return new FleetSimulation(spec).step(0);
}

describe("the fleet simulation", () => {
  it("simulateFleet is FleetSimulation stepped over the spec", () => {
    const spec = generateFleet({ vms: 50, hosts: 3, host, days: 1, seed: 3 });
    const simulation = new FleetSimulation(spec);
    const stepped = [];
    for (let t = 0; t < spec.durationMs; t += spec.stepMs) stepped.push(simulation.step(t));
    expect(simulateFleet(spec)).toEqual(stepped);
  });

  it("resizing one VM changes nothing on other hosts: demand and their VMs follow the same random numbers", () => {
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
      // Its own host's VMs share threads with it, so only the others are untouched.
      for (let i = 0; i < 60; i++) if (b.vms[i]?.host !== vm.host) expect(b.latencyMs[i]).toBe(a.latencyMs[i]);
    }
  });

  it("a host with more busy vCPUs than threads time-shares them: it serves its threads' worth, not what is asked", () => {
    // 96 VMs of 8 vCPUs asking 200 requests/s x 10 ms each (no memory stalls): 19,200 requests/s,
    // 192 solo threads of work. One 64-core / 128-thread host delivers 64 x pair throughput cores.
    const make = (hosts: number) => {
      const spec = generateFleet({ vms: 96, hosts, host, days: 1, seed: 4, stepMs: 3_600_000 });
      spec.vms.forEach((vm, i) => {
        vm.host = i % hosts;
        vm.vcpus = 8;
        vm.noiseCv = 0;
        vm.spot = undefined;
        vm.arrivals = { ratePerSec: 200, trendPerDay: 0 };
        vm.request = { ...vm.request, cpuMs: 10, cpuCv: 0, memoryAccesses: 0 };
      });
      return new FleetSimulation(spec);
    };
    const one = make(1);
    const stepOne = one.step(0);
    const threads = 128;
    expect(stepOne.throughputRps).toBeCloseTo((threads * (host.smtPairThroughput / 2) * 1000) / 10, 3);
    expect(stepOne.saturatedVms).toBe(96);
    expect(stepOne.maxHostUtilization).toBe(1);
    // On four hosts the same VMs fit (48 solo threads of work on 128 each): all is served, sooner.
    const four = make(4);
    const stepFour = four.step(0);
    expect(stepFour.throughputRps).toBeCloseTo(19_200, 6);
    expect(stepFour.saturatedVms).toBe(0);
    expect(stepFour.maxHostUtilization).toBeLessThan(1);
  });

  it("as load rises, a host serves more until its cores' worth, never more, and never less after (review)", () => {
    // 4 VMs of 8 vCPUs on 8 cores / 16 threads at pair throughput 1.25: at most 10,000 requests/s of 1 ms.
    const served = (total: number) => smallHostStep(4, 8, total, 0).throughputRps;
    const capacity = 8 * smallHost().smtPairThroughput * 1000;
    let last = 0;
    for (let total = 1000; total <= 20_000; total += 250) {
      const now = served(total);
      expect(now).toBeLessThanOrEqual(capacity * (1 + 1e-6));
      expect(now).toBeGreaterThanOrEqual(last * (1 - 1e-6));
      last = now;
    }
    expect(last).toBeCloseTo(capacity, 0);
  });

  it("just below capacity the wait for a host thread stays bounded: what is served never falls as load rises (review)", () => {
    // 12 VMs of 2 vCPUs (24 vCPUs on 16 threads), each request 1 ms: capacity 10,000 requests/s.
    const step = (total: number) => smallHostStep(12, 2, total, 0.5);
    let last = 0;
    for (let total = 9000; total <= 10_500; total += 10) {
      const now = step(total);
      expect(now.throughputRps).toBeGreaterThanOrEqual(last * (1 - 1e-9));
      if (total < 10_000) expect(now.throughputRps).toBeCloseTo(total, 6); // all served below capacity
      last = now.throughputRps;
    }
    // Near capacity the latency is the bounded wait's: with every vCPU runnable a 1.6 ms phase
    // (both siblings busy) stretches by 24/16, and the VMs' own queues add to that.
    expect(step(9990).meanLatencyMs).toBeGreaterThan(step(9600).meanLatencyMs);
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

describe("judging a resize after validation", () => {
  /** One VM offered `rps`, untuned on m5.4xlarge, tuned on `to`, judged over a day of 5-minute steps. */
  const judge = (rps: number, to: string) => {
    const spec = generateFleet({ vms: 1, hosts: 1, host, days: 1, seed: 2 });
    const vm = spec.vms[0];
    if (vm === undefined) throw new Error("no VM");
    Object.assign(vm, { instanceType: "m5.4xlarge", vcpus: 16, hourlyUsd: 0.768, noiseCv: 0 });
    vm.arrivals = { ratePerSec: rps, trendPerDay: 0 };
    const untuned = new FleetSimulation(spec);
    const tuned = new FleetSimulation(spec);
    const decision: FleetDecision = {
      vm: 0,
      component: "rightsizing",
      knob: "instance-type@vm-0",
      from: "m5.4xlarge",
      to,
      reason: "test",
    };
    applyDecision(
      tuned.vms[0] as FleetSimulation["vms"][number],
      decision,
      catalog,
      { interruptionsPerDay: 0, restartMs: 0 },
      0,
    );
    const validation = new FleetValidation(1);
    for (let t = 0; t < spec.durationMs; t += spec.stepMs) {
      untuned.step(t);
      tuned.step(t);
      validation.add(untuned, tuned);
    }
    return validation.judge(decision, tuned.vms[0] as FleetSimulation["vms"][number]);
  };

  it("keeps a cheaper type of the same vCPUs for a VM pinned at its ceiling either way", () => {
    expect(judge(1e6, "c5.4xlarge")).toMatchObject({ keep: true });
  });

  it("reverts a downsize that saturates the VM, and keeps one that stays under the target", () => {
    const hot = judge(2000, "c5.large");
    expect(hot.keep).toBe(false);
    expect(hot.reason).toMatch(
      /saturated in \d+ of 288 validation steps it was up \(untuned: 0; more than 1% more reverts\)/,
    );
    expect(judge(50, "c5.xlarge")).toMatchObject({ keep: true });
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
    expect(new Set(applied.map((e) => e.time))).toEqual(new Set([2 * 86_400_000]));
    expect(new Set(judged.map((e) => e.time))).toEqual(new Set([2 * 86_400_000 + 12 * 3_600_000]));
    for (const e of judged.filter((x) => x.rolledBack))
      expect(e.reason).toMatch(/saturated|above the target|more requests failed/);
    expect(result.rollbacks).toBe(judged.filter((e) => e.rolledBack).length);
    expect(result.detail.evaluationMinutes).toBe(4 * 1440 - 2880 - 720);
    // Sizes come from the right-sizing engine: catalog types, with its reasons and confidence.
    const resizes = applied.filter((e) => e.component === "rightsizing");
    expect(resizes.length).toBeGreaterThan(0);
    for (const e of resizes) {
      expect(e.knob).toMatch(/^instance-type@vm-\d+$/);
      expect(catalog.get(JSON.parse(e.to ?? "null"))).toBeDefined();
      expect(e.reason).toMatch(/^(upsize|downsize|idle)\b.*over 2\.0 days .*holds it with \d+% confidence/);
    }
    for (const [knob, type] of Object.entries(result.finalKnobs ?? {}))
      if (knob.startsWith("instance-type@")) expect(catalog.get(String(type))).toBeDefined();
    // Memory utilization: the fleet's resident memory over its types' memory, before and after.
    const vms = fleetSpec(tiny(), 1, catalog).vms;
    const used = vms.reduce((sum, vm) => sum + vm.memoryGiB, 0);
    const memoryOf = (name: string) => catalog.get(name)?.memoryGiB ?? Number.NaN;
    expect(result.baseline.memUtil).toBeCloseTo(used / vms.reduce((sum, vm) => sum + memoryOf(vm.instanceType), 0), 9);
    const final = vms.reduce((sum, vm) => sum + memoryOf(String(result.finalKnobs[`instance-type@${vm.name}`])), 0);
    expect(result.tuned.memUtil).toBeCloseTo(used / final, 9);
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

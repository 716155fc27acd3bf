import { describe, expect, it } from "vitest";
import { SimBackend } from "../../sim/sim-backend.js";
import type { Change, Observation } from "../../src/backend.js";
import { scenarioFromObject } from "../../src/scenario/load-scenario.js";

// How the twin responds to each knob, in the direction the physics says it must.

async function measure(
  scenario: unknown,
  changes: Omit<Change, "id" | "component" | "reason">[] = [],
  seconds = 20,
): Promise<Observation> {
  const backend = new SimBackend(scenarioFromObject(scenario, "test"));
  for (const [i, change] of changes.entries())
    await backend.apply({ ...change, id: `c${i}`, component: "test", reason: "test" });
  await backend.clock.sleep(5000);
  await backend.observe();
  await backend.clock.sleep(seconds * 1000);
  return backend.observe();
}

const memoryBound = (name: string, extra: object = {}) => ({
  name,
  vcpus: 2,
  memoryGiB: 8,
  memory: { mode: "default", pages: [0.5, 0.5] },
  workload: {
    arrivals: { clients: 4, thinkMs: 2 },
    request: { cpuMs: 0.5, memoryAccesses: 50_000, workingSetMiB: 64, compulsoryMissRatio: 0.15 },
  },
  ...extra,
});

describe("the twin's response to knobs", () => {
  it("memory moved local to pinned vCPUs ends remote accesses and speeds up a memory-bound VM", async () => {
    const scenario = { name: "numa", host: { model: "seed-2s16c" }, vms: [memoryBound("db")] };
    const untuned = await measure(scenario);
    const tuned = await measure(scenario, [
      { knob: { knob: "cpu-affinity", target: "db" }, to: [0, 2] },
      { knob: { knob: "memory-policy", target: "db" }, to: { mode: "bind", nodes: [0] } },
    ]);
    expect(untuned.workloads[0]?.crossNodeRatio).toBeCloseTo(0.5, 1);
    expect(tuned.workloads[0]?.crossNodeRatio).toBeLessThan(0.01);
    expect(tuned.service?.latencyMs.mean).toBeLessThan((untuned.service?.latencyMs.mean ?? 0) * 0.95);
    expect(tuned.service?.throughputRps).toBeGreaterThan(untuned.service?.throughputRps ?? 0);
  });

  it("a cache-thrashing neighbour on the same L3 slows a VM; isolating it on the other socket helps", async () => {
    const noisy = {
      name: "noisy",
      vcpus: 2,
      memoryGiB: 8,
      workload: {
        arrivals: { clients: 2, thinkMs: 0 },
        request: { cpuMs: 10, memoryAccesses: 1_000_000, workingSetMiB: 1024, compulsoryMissRatio: 0.3 },
      },
    };
    const victim = memoryBound("victim", { affinity: "0-1,4-5", memory: { mode: "bind", nodes: [0], pages: [1, 0] } });
    const shared = await measure({
      name: "l3",
      host: { model: "seed-2s16c" },
      vms: [victim, { ...noisy, affinity: "2-3" }],
    });
    const isolated = await measure({
      name: "l3",
      host: { model: "seed-2s16c" },
      vms: [victim, { ...noisy, affinity: "8-9" }],
    });
    const victimOf = (o: Observation) => o.workloads.find((w) => w.id === "victim")?.latencyMs?.mean ?? 0;
    expect(victimOf(isolated)).toBeLessThan(victimOf(shared) * 0.95);
  });

  it("confining a cache-thrashing neighbour to one L3 way (CAT) helps the VM sharing its L3", async () => {
    const noisy = {
      name: "noisy",
      vcpus: 2,
      memoryGiB: 8,
      affinity: "2-3",
      workload: {
        arrivals: { clients: 2, thinkMs: 0 },
        request: { cpuMs: 10, memoryAccesses: 1_000_000, workingSetMiB: 1024, compulsoryMissRatio: 0.3 },
      },
    };
    const victim = memoryBound("victim", { affinity: "0-1,4-5", memory: { mode: "bind", nodes: [0], pages: [1, 0] } });
    const scenario = { name: "cat", host: { model: "seed-2s16c" }, vms: [victim, noisy] };
    const shared = await measure(scenario);
    const confined = await measure(scenario, [{ knob: { knob: "llc-ways", target: "noisy" }, to: 1 }]);
    const of = (o: Observation, id: string) => o.workloads.find((w) => w.id === id);
    expect(of(confined, "victim")?.latencyMs?.mean ?? 0).toBeLessThan(
      (of(shared, "victim")?.latencyMs?.mean ?? 0) * 0.97,
    );
    // The stream misses nearly every line however much cache it has: confining it costs it little.
    expect(of(confined, "noisy")?.throughputRps ?? 0).toBeGreaterThan((of(shared, "noisy")?.throughputRps ?? 0) * 0.97);
  });

  it("BBR and larger buffers fill a lossy WAN path that CUBIC with default buffers cannot", async () => {
    const scenario = {
      name: "wan",
      host: { model: "seed-2s16c" },
      paths: [{ name: "wan", model: "wan" }],
      vms: [
        {
          name: "copy",
          vcpus: 2,
          memoryGiB: 8,
          tags: ["bulk"],
          workload: {
            arrivals: { clients: 1, thinkMs: 0 },
            timeoutMs: 600000,
            request: { cpuMs: 1, network: { path: "wan", bytes: 33554432 } },
          },
        },
      ],
    };
    const untuned = await measure(scenario, [], 60);
    const tuned = await measure(
      scenario,
      [
        { knob: { knob: "tcp-congestion-control", target: "host" }, to: "bbr" },
        { knob: { knob: "tcp-rmem", target: "host" }, to: [4096, 131072, 33554432] },
        { knob: { knob: "tcp-wmem", target: "host" }, to: [4096, 16384, 33554432] },
      ],
      60,
    );
    const rate = (o: Observation) => o.workloads[0]?.networkMbps ?? 0;
    // CUBIC at 1e-5 loss and 50 ms: ~340 Mb/s, under the 6 MiB buffer's 500; BBR with 32 MiB
    // buffers: close to the 1 Gb/s link.
    expect(rate(untuned)).toBeLessThan(400);
    expect(rate(tuned)).toBeGreaterThan(800);
  });

  it("read-around on mmap random reads wastes bandwidth that a smaller read_ahead_kb saves", async () => {
    const scenario = {
      name: "ra",
      host: {
        model: "seed-2s16c",
        devices: [{ name: "nvme0n1", model: "nvme-tlc", scheduler: "none", readAheadKb: 128 }],
      },
      vms: [
        {
          name: "idx",
          vcpus: 2,
          memoryGiB: 8,
          workload: {
            arrivals: { clients: 8, thinkMs: 1 },
            request: { cpuMs: 0.2, io: { device: "nvme0n1", reads: 2, pattern: "random", readahead: "mmap" } },
          },
        },
      ],
    };
    const untuned = await measure(scenario);
    const tuned = await measure(scenario, [{ knob: { knob: "read-ahead-kb", target: "nvme0n1" }, to: 4 }]);
    expect(untuned.disks[0]?.averageRequestBytes).toBe(131072);
    expect(tuned.disks[0]?.averageRequestBytes).toBe(4096);
    expect(tuned.disks[0]?.readLatencyMs).toBeLessThan(untuned.disks[0]?.readLatencyMs ?? 0);
  });

  it("switching a CPU-bound SSD workload from mq-deadline to none saves the scheduler's per-request CPU", async () => {
    const scenario = {
      name: "sched",
      host: { model: "seed-2s16c", devices: [{ name: "sda", model: "sata-ssd", scheduler: "mq-deadline" }] },
      vms: [
        {
          name: "db",
          vcpus: 2,
          memoryGiB: 8,
          workload: {
            arrivals: { clients: 4, thinkMs: 0 },
            request: { cpuMs: 0.1, cpuCv: 0, io: { device: "sda", reads: 8 } },
          },
        },
      ],
    };
    const untuned = await measure(scenario);
    const tuned = await measure(scenario, [{ knob: { knob: "io-scheduler", target: "sda" }, to: "none" }]);
    expect(tuned.workloads[0]?.cpuUtilization).toBeLessThan(untuned.workloads[0]?.cpuUtilization ?? 0);
  });

  it("an instance-type change resizes the VM and its price", async () => {
    const shapes: Record<string, { vcpus: number; memoryGiB: number; hourlyUsd: number }> = {
      "m5.large": { vcpus: 2, memoryGiB: 8, hourlyUsd: 0.096 },
      "m5.xlarge": { vcpus: 4, memoryGiB: 16, hourlyUsd: 0.192 },
    };
    const instances = (name: string) => {
      const shape = shapes[name];
      return shape === undefined ? undefined : { name, ...shape, reserved1yDiscount: 0.4 };
    };
    const scenario = {
      name: "resize",
      host: { model: "seed-2s16c" },
      vms: [{ ...memoryBound("app"), instanceType: "m5.large", hourlyUsd: 0.096 }],
    };
    const backend = new SimBackend(scenarioFromObject(scenario, "test"), { instances });
    await backend.apply({
      id: "r",
      knob: { knob: "instance-type", target: "app" },
      to: "m5.xlarge",
      component: "rightsizing",
      reason: "test",
    });
    await backend.clock.sleep(2000);
    const observation = await backend.observe();
    expect((await backend.topology()).workloads[0]?.vcpus).toBe(4);
    expect(observation.service?.monthlyCostUsd).toBeCloseTo(0.192 * 730, 6);
    await expect(
      backend.apply({
        id: "x",
        knob: { knob: "instance-type", target: "app" },
        to: "m9.huge",
        component: "r",
        reason: "t",
      }),
    ).rejects.toThrow(/unknown instance type/);
    // How it is bought changes what it costs, not how it runs; a revert restores the price.
    const change = (to: string) => ({
      id: to,
      knob: { knob: "purchase-option" as const, target: "app" },
      to: to as never,
      component: "cost",
      reason: "test",
    });
    const reserved = await backend.apply(change("reserved-1y"));
    await backend.clock.sleep(1000);
    expect((await backend.observe()).service?.monthlyCostUsd).toBeCloseTo(0.192 * 0.6 * 730, 6);
    await expect(backend.apply(change("spot"))).rejects.toThrow(/not offered/);
    await backend.revert(reserved);
    await backend.clock.sleep(1000);
    expect((await backend.observe()).service?.monthlyCostUsd).toBeCloseTo(0.192 * 730, 6);
  });
});

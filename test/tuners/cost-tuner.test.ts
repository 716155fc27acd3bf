import { describe, expect, it } from "vitest";
import type { Observation, Topology } from "../../src/backend.js";
import { loadCatalog } from "../../src/catalog/catalog-loader.js";
import { CostTuner } from "../../src/tuners/cost-tuner.js";
import { RightsizingTuner } from "../../src/tuners/rightsizing-tuner.js";

const catalog = loadCatalog();
const topology: Topology = {
  hostname: "h",
  nodes: [{ id: 0, cpus: [0, 1], memoryBytes: 2 ** 34, distances: [10] }],
  cpus: [0, 1].map((id) => ({ id, node: 0, packageId: 0, coreId: id, siblings: [id] })),
  caches: [],
  devices: [],
  interfaces: [],
  memoryBytes: 2 ** 34,
  workloads: [
    {
      id: "batch",
      kind: "vm",
      vcpus: 2,
      memoryBytes: 2 ** 33,
      instanceType: "m5.large",
      tags: ["interruptible"],
      priority: "batch",
    },
    { id: "web", kind: "vm", vcpus: 2, memoryBytes: 2 ** 33, instanceType: "m5.large", tags: ["steady"] },
    { id: "bursty", kind: "vm", vcpus: 2, memoryBytes: 2 ** 33, instanceType: "m5.large", tags: ["steady"] },
    { id: "untagged", kind: "vm", vcpus: 2, memoryBytes: 2 ** 33, instanceType: "m5.large", tags: [] },
  ],
};

function observation(time: number, burst: number): Observation {
  return {
    time,
    intervalMs: 60_000,
    host: { cpuUtilization: 0.5, perCpuUtilization: [], memoryUtilization: 0.5, memoryAvailableBytes: 0 },
    disks: [],
    network: [],
    tcp: [],
    workloads: topology.workloads.map((w) => ({
      id: w.id,
      cpuUtilization: w.id === "bursty" ? burst : 0.5,
      memoryBytes: 2 ** 32,
      memoryUtilization: 0.5,
      hourlyCostUsd: 0.096,
    })),
  };
}

const history = [0.1, 0.9, 0.2, 0.8].map((burst, i) => observation(i * 60_000, burst));
const knobs = new Map(
  topology.workloads.flatMap((w) => [
    [`purchase-option@${w.id}`, "on-demand"],
    [`instance-type@${w.id}`, "m5.large"],
  ]) as [string, string][],
);
const context = { topology, observation: observation(300_000, 0.5), history, knobs, recentChanges: [], now: 300_000 };

describe("cost tuner", () => {
  it("puts interruptible VMs on spot and steady, tagged VMs on a reservation, as one plan; leaves the rest on demand", () => {
    const recommendations = new CostTuner(catalog).recommend(context);
    const to = Object.fromEntries(recommendations.map((r) => [r.knob.target, r.to]));
    expect(to).toEqual({ batch: "spot", web: "reserved-1y" });
    expect(new Set(recommendations.map((r) => r.group))).toEqual(new Set(["cost:purchase"]));
    expect(recommendations.find((r) => r.knob.target === "batch")?.reasons[0]).toMatch(
      /60% off.*does not simulate the interruptions/,
    );
  });
});

describe("right-sizing tuner", () => {
  it("proposes nothing with less than the engine's observation period of data", () => {
    expect(new RightsizingTuner(catalog).recommend(context)).toEqual([]);
  });
});

import { RandomStreams } from "../../sim/rng.js";
import { parseCatalog } from "../../src/catalog/catalog-loader.js";
import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";

/**
 * The seed document's worked example (§8): 10 VMs at $0.10/hour = $730/month. Five are twice
 * too big (a $0.05 type holds them), three are tagged interruptible (spot at 70% off), two run
 * steadily around the clock (reserved at 40% off).
 */
export const WORKED_CATALOG_YAML = `defaults: { spot: { discount: 0.7, interruptionRate: 0.05 }, reserved1yDiscount: 0.4 }
instances:
  - { name: std, vcpus: 4, memoryGiB: 16, hourlyUsd: 0.10 }
  - { name: half, vcpus: 2, memoryGiB: 8, hourlyUsd: 0.05 }
`;

export function workedCatalog(): InstanceCatalog {
  return parseCatalog(WORKED_CATALOG_YAML, "worked.yaml");
}

export const WORKED_VMS = [
  ...[1, 2, 3, 4, 5].map((i) => ({ id: `web-${i}`, cpu: 0.2, mem: 0.25, tags: "" })),
  ...[1, 2, 3].map((i) => ({ id: `batch-${i}`, cpu: 0.6, mem: 0.3, tags: "interruptible" })),
  ...[1, 2].map((i) => ({ id: `db-${i}`, cpu: 0.6, mem: 0.6, tags: "" })),
];

/** Two weeks of 5-minute samples of the ten VMs on `std`, as trace rows. */
export function workedRows(): { time: number; vm: string; cpu: number; mem: number; tags: string }[] {
  const streams = new RandomStreams(7);
  const rows = [];
  for (const vm of WORKED_VMS) {
    const stream = streams.stream(vm.id);
    for (let k = 0; k < 14 * 288; k++) {
      const cpu = Math.round(vm.cpu * (1 + stream.normal(0, 0.05)) * 1e4) / 1e4;
      const mem = Math.round(vm.mem * (1 + stream.normal(0, 0.01)) * 1e4) / 1e4;
      rows.push({ time: 1767571200 + k * 300, vm: vm.id, cpu, mem, tags: vm.tags });
    }
  }
  return rows;
}

export function workedCsv(): string {
  return `timestamp,vm,instance_type,cpu,mem,tags\n${workedRows()
    .map((row) => `${row.time},${row.vm},std,${row.cpu},${row.mem},${row.tags}`)
    .join("\n")}\n`;
}

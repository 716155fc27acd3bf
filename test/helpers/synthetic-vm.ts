import { RandomStreams } from "../../sim/rng.js";
import { parseCatalog } from "../../src/catalog/catalog-loader.js";
import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import type { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";

export const DAY = 86_400;
export const STEP = 300;

/** A small catalog with the shape of the shipped one: two families, three sizes each. */
export function smallCatalog(): InstanceCatalog {
  return parseCatalog(
    `defaults: { spot: { discount: 0.6, interruptionRate: 0.05 }, reserved1yDiscount: 0.4 }
instances:
  - { name: c.large, family: c, vcpus: 2, memoryGiB: 4, hourlyUsd: 0.085 }
  - { name: c.xlarge, family: c, vcpus: 4, memoryGiB: 8, hourlyUsd: 0.17 }
  - { name: c.2xlarge, family: c, vcpus: 8, memoryGiB: 16, hourlyUsd: 0.34 }
  - { name: m.large, family: m, vcpus: 2, memoryGiB: 8, hourlyUsd: 0.096 }
  - { name: m.xlarge, family: m, vcpus: 4, memoryGiB: 16, hourlyUsd: 0.192 }
  - { name: m.2xlarge, family: m, vcpus: 8, memoryGiB: 32, hourlyUsd: 0.384 }
`,
    "small.yaml",
  );
}

export interface SyntheticVm {
  id: string;
  type: string;
  /** CPU demand in cores at time t (days), before noise. */
  cpu: (days: number) => number;
  /** Memory demand in GiB at time t (days), before noise. */
  mem: (days: number) => number;
  days: number;
  noise?: number;
  tags?: string[];
  start?: number;
}

/** Feeds 5-minute samples of a synthetic VM (utilisation capped at 1, OOM when memory overflows). */
export function feedSynthetic(sizer: RightSizer, vm: SyntheticVm, seed = 1): void {
  const type = sizer.catalog.get(vm.type);
  if (type === undefined) throw new Error(`no type ${vm.type}`);
  const stream = new RandomStreams(seed).stream(vm.id);
  const steps = Math.round((vm.days * DAY) / STEP);
  for (let k = 0; k < steps; k++) {
    const days = (k * STEP) / DAY;
    const noise = vm.noise ?? 0.05;
    const cpu = Math.max(0, vm.cpu(days) * (1 + stream.normal(0, noise)));
    const mem = Math.max(0, vm.mem(days) * (1 + stream.normal(0, noise / 5)));
    sizer.observe(
      vm.id,
      {
        time: (vm.start ?? 0) + k * STEP,
        cpu: Math.min(1, cpu / type.vcpus),
        mem: Math.min(1, mem / type.memoryGiB),
        oom: mem > type.memoryGiB,
        ...(k === 0 && vm.tags !== undefined && { tags: vm.tags }),
      },
      type,
    );
  }
}

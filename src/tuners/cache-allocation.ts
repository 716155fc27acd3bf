import type { CacheInfo, Topology } from "../backend.js";
import { ALLOCATION_MATRIX, type WorkloadClass } from "./allocation-matrix.js";
import { knobKey, type Recommendation, type TunerContext } from "./tuner.js";

/** Below this busy share a VM streams too little to evict anyone's lines. */
const BUSY_ENOUGH = 0.25;

/** Others on the VM's caches busier than this (vCPUs) have lines worth keeping from it. */
const NEIGHBOURS_BUSY_ENOUGH = 0.5;

/** The host's last-level cache instances. */
function lastLevelCaches(topology: Topology): CacheInfo[] {
  const llcLevel = Math.max(0, ...topology.caches.map((cache) => cache.level));
  return topology.caches.filter((cache) => cache.level === llcLevel);
}

/**
 * The seed's allocation matrix gives batch work no cache ("cache: none"): it streams through far
 * more data than the last-level cache holds, so what it caches it never reuses, while every line
 * it brings in evicts a latency-sensitive neighbour's. Cache allocation (Intel CAT, AMD L3 QoS,
 * through resctrl) confines such a VM's lines to the fewest ways the CPU allows and leaves the
 * rest to the others; the VM keeps its CPUs. Pure: proposes, never applies.
 */
export function confineCachelessVms(
  context: TunerContext,
  component: string,
  noisy: ReadonlyMap<string, string> = new Map(),
): Recommendation[] {
  const { topology } = context;
  const llcs = lastLevelCaches(topology);
  const ways = llcs[0]?.allocationWays ?? 0;
  // The fewest ways the CPU takes (min_cbm_bits: 1 since Broadwell, 2 on Haswell-EP).
  const confinedWays = Math.max(1, llcs[0]?.allocationMinWays ?? 1);
  if (ways <= confinedWays) return [];
  const affinity = (id: string): number[] => {
    const cpus = context.knobs.get(knobKey({ knob: "cpu-affinity", target: id }));
    return Array.isArray(cpus) ? (cpus as number[]) : topology.cpus.map((cpu) => cpu.id);
  };
  const busyVcpus = (id: string) => {
    const observed = context.observation.workloads.find((w) => w.id === id);
    const vcpus = topology.workloads.find((vm) => vm.id === id)?.vcpus ?? 0;
    return Math.min(1, observed?.cpuUtilization ?? 0) * vcpus;
  };
  const out: Recommendation[] = [];
  for (const vm of topology.workloads) {
    const workloadClass: WorkloadClass = vm.priority ?? "medium";
    const measured = workloadClass !== "high" ? noisy.get(vm.id) : undefined;
    if (ALLOCATION_MATRIX[workloadClass].cache !== "none" && measured === undefined) continue;
    const ref = { knob: "llc-ways" as const, target: vm.id };
    const current = context.knobs.get(knobKey(ref));
    if (typeof current !== "number" || current <= confinedWays) continue;
    const busy = context.observation.workloads.find((w) => w.id === vm.id)?.cpuUtilization ?? 0;
    if (busy < BUSY_ENOUGH) continue;
    // Who shares the caches it can run on: each other VM by the part of its CPUs there.
    const own = new Set(affinity(vm.id));
    const sharedCpus = new Set(
      llcs.filter((llc) => llc.sharedCpus.some((cpu) => own.has(cpu))).flatMap((llc) => llc.sharedCpus),
    );
    const neighbours = topology.workloads
      .filter((other) => other.id !== vm.id)
      .reduce((sum, other) => {
        const cpus = affinity(other.id);
        const there = cpus.filter((cpu) => sharedCpus.has(cpu)).length;
        return sum + (cpus.length > 0 ? (busyVcpus(other.id) * there) / cpus.length : 0);
      }, 0);
    if (neighbours < NEIGHBOURS_BUSY_ENOUGH) continue;
    // Shared caches are divided by how hard each sharer runs: what the VM holds now is about its
    // share of the busy CPUs there, and that much cache goes back to the others.
    const held = busyVcpus(vm.id) / (busyVcpus(vm.id) + neighbours);
    const share = Math.round((100 * confinedWays) / ways);
    out.push({
      component,
      knob: ref,
      to: confinedWays,
      expectedImpact: Math.max(0.01, 0.3 * held),
      reasons: [
        `${measured === undefined ? `${vm.id} is ${workloadClass} work (the allocation matrix gives it no cache) and` : `${measured}; it`} keeps ${Math.round(busy * 100)}% of its ${vm.vcpus} vCPU${vm.vcpus > 1 ? "s" : ""} busy beside ${neighbours.toFixed(1)} busy vCPUs of other VMs on its L3: the lines it brings in evict theirs`,
        `confine it to ${confinedWays} of the ${ways} cache ways (${share}%) through resctrl, leaving ${ways - confinedWays} to the others; it keeps its CPUs`,
      ],
    });
  }
  return out;
}

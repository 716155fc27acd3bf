import type { Topology } from "../backend.js";
import { ALLOCATION_MATRIX, type WorkloadClass } from "./allocation-matrix.js";
import { knobKey, type Recommendation, type TunerContext } from "./tuner.js";

/** Below this busy share a VM streams too little to evict anyone's lines. */
const BUSY_ENOUGH = 0.25;

/** The ways a confined VM keeps: one, the least every CAT-capable CPU since Broadwell allows (min_cbm_bits). */
const CONFINED_WAYS = 1;

/** Allocation ways of the host's last-level cache, or 0 when the kernel offers no cache allocation. */
export function llcAllocationWays(topology: Topology): number {
  const llcLevel = Math.max(0, ...topology.caches.map((cache) => cache.level));
  return topology.caches.find((cache) => cache.level === llcLevel)?.allocationWays ?? 0;
}

/**
 * The seed's allocation matrix gives batch work no cache ("cache: none"): it streams through far
 * more data than the last-level cache holds, so what it caches it never reuses, while every line
 * it brings in evicts a latency-sensitive neighbour's. Cache allocation (Intel CAT, AMD L3 QoS,
 * through resctrl) confines such a VM's lines to one way of the cache and leaves the rest to the
 * others; the VM keeps its CPUs. Pure: proposes, never applies.
 */
export function confineCachelessVms(context: TunerContext, component: string): Recommendation[] {
  const { topology } = context;
  const ways = llcAllocationWays(topology);
  if (ways <= CONFINED_WAYS) return [];
  const busyVcpus = (id: string) => {
    const observed = context.observation.workloads.find((w) => w.id === id);
    const vcpus = topology.workloads.find((vm) => vm.id === id)?.vcpus ?? 0;
    return Math.min(1, observed?.cpuUtilization ?? 0) * vcpus;
  };
  const hostBusy = topology.workloads.reduce((sum, vm) => sum + busyVcpus(vm.id), 0);
  const out: Recommendation[] = [];
  for (const vm of topology.workloads) {
    const workloadClass: WorkloadClass = vm.priority ?? "medium";
    if (ALLOCATION_MATRIX[workloadClass].cache !== "none") continue;
    const ref = { knob: "llc-ways" as const, target: vm.id };
    const current = context.knobs.get(knobKey(ref));
    if (typeof current !== "number" || current <= CONFINED_WAYS) continue;
    const observed = context.observation.workloads.find((w) => w.id === vm.id);
    const busy = observed?.cpuUtilization ?? 0;
    if (busy < BUSY_ENOUGH) continue;
    // Shared caches are divided by how hard each sharer runs: what the VM holds now is about its
    // share of the busy CPUs, and that much cache goes back to the others.
    const held = hostBusy > 0 ? busyVcpus(vm.id) / hostBusy : 0;
    const share = Math.round((100 * CONFINED_WAYS) / ways);
    out.push({
      component,
      knob: ref,
      to: CONFINED_WAYS,
      expectedImpact: Math.max(0.01, 0.3 * held),
      reasons: [
        `${vm.id} is ${workloadClass} work (the allocation matrix gives it no cache) and keeps ${Math.round(busy * 100)}% of its ${vm.vcpus} vCPU${vm.vcpus > 1 ? "s" : ""} busy: the lines it brings into the shared L3 evict its neighbours'`,
        `confine it to ${CONFINED_WAYS} of the ${ways} cache ways (${share}%) through resctrl, leaving ${ways - CONFINED_WAYS} to the others; it keeps its CPUs`,
      ],
    });
  }
  return out;
}

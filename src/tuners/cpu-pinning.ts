import { sameKnobValue, type Topology, type Workload } from "../backend.js";
import { ALLOCATION_MATRIX, type PinningStrategy, type WorkloadClass } from "./allocation-matrix.js";
import { confineCachelessVms } from "./cache-allocation.js";
import { measuredNoisyNeighbours } from "./noisy-neighbours.js";
import { nodesOf } from "./numa-optimizer.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

export interface Allocation {
  vm: string;
  strategy: PinningStrategy;
  physicalCpus: number[];
  /** Cache level the allocation keeps the VM's data in (1/2 for dedicated cores, 3 for a shared L3, 0 none). */
  cacheAffinity: number;
  reasons: string[];
}

interface Core {
  threads: number[];
  /** Index of the L3 the core's threads share (-1 when the topology lists none). */
  llc: number;
}

/** The cores of one node, each with its SMT threads, in CPU order, grouped by shared L3 first. */
function coresOf(topology: Topology, node: number): Core[] {
  const seen = new Set<number>();
  const cores: Core[] = [];
  const llcOf = (cpu: number) =>
    topology.caches.findIndex((cache) => cache.level === 3 && cache.sharedCpus.includes(cpu));
  const cpus = topology.cpus
    .filter((cpu) => cpu.node === node)
    .sort((a, b) => llcOf(a.id) - llcOf(b.id) || a.id - b.id);
  for (const cpu of cpus) {
    if (seen.has(cpu.id)) continue;
    const threads = [...cpu.siblings].sort((a, b) => a - b);
    for (const thread of threads) seen.add(thread);
    cores.push({ threads, llc: llcOf(cpu.id) });
  }
  // Within an L3, whole cores first: one that lost an SMT sibling then goes to a pool last
  // rather than splitting a dedicated VM across a full core and a half one.
  return cores.sort((a, b) => a.llc - b.llc || b.threads.length - a.threads.length);
}

/**
 * Takes free cores enough for `threads` threads (one per core with SMT off), at most `maxCores`:
 * all under one L3 where one has room (the one with the fewest free cores that does, so the
 * roomier ones stay whole for larger VMs), else the first ones in order. Threads are counted on
 * the cores taken, which may have lost an SMT sibling. A VM split over two L3s pays a
 * cache-to-cache transfer whenever its threads share data, and refills its working set in both.
 */
function takeCores(
  free: readonly Core[],
  threads: number,
  smtOff: boolean,
  maxCores = Number.POSITIVE_INFINITY,
): { taken: Core[]; left: Core[]; fits: boolean } {
  const groups = new Map<number, Core[]>();
  for (const core of free) groups.set(core.llc, [...(groups.get(core.llc) ?? []), core]);
  let taken: Core[] | undefined;
  let room = Number.POSITIVE_INFINITY;
  for (const group of groups.values()) {
    const need = coresFor(group, threads, smtOff);
    if (need <= group.length && need <= maxCores && group.length < room) {
      taken = group.slice(0, need);
      room = group.length;
    }
  }
  let fits = true;
  if (taken === undefined) {
    const need = coresFor(free, threads, smtOff);
    fits = need <= free.length && need <= maxCores;
    taken = free.slice(0, Math.min(need, maxCores));
  }
  const chosen = new Set(taken);
  return { taken, left: free.filter((core) => !chosen.has(core)), fits };
}

const classOf = (vm: Workload): WorkloadClass => vm.priority ?? "medium";

/** Batch work, and a VM measured as a noisy neighbour (never a high-priority one), run on cores of their own. */
const fenced = (vm: Workload, noisy: ReadonlyMap<string, string>): boolean =>
  classOf(vm) === "batch" || (classOf(vm) !== "high" && noisy.has(vm.id));

/** Cores from the front of `list` that hold `vcpus` threads, one per core with SMT off (list.length + 1: they do not). */
function coresFor(list: readonly Core[], vcpus: number, smtOff: boolean): number {
  // Cores can differ in threads (an SMT sibling offline), so needs are counted core by core.
  let threads = 0;
  for (const [i, core] of list.entries()) {
    threads += smtOff ? 1 : core.threads.length;
    if (threads >= vcpus) return i + 1;
  }
  return list.length + 1;
}

/** Every high-priority VM gets its dedicated cores with `reserve` cores still left over. */
function highFits(cores: readonly Core[], high: readonly Workload[], reserve: number, smtOff: boolean): boolean {
  let left = [...cores];
  for (const vm of high) {
    const { taken, fits } = takeCores(left, vm.vcpus, smtOff);
    if (!fits || left.length - taken.length < reserve) return false;
    left = left.filter((core) => !taken.includes(core));
  }
  return true;
}

/** One way of dividing a node: the allocations of the dedicated and batch VMs, and the pool the others share. */
interface NodePlan {
  allocations: Allocation[];
  pool: number[];
  sharing: Workload[];
}

/** vCPUs per thread of the shared pool. */
function poolRatio(plan: NodePlan): number {
  return plan.sharing.reduce((sum, vm) => sum + vm.vcpus, 0) / Math.max(1, plan.pool.length);
}

/**
 * Divides a node with SMT on or off for the high-priority VMs: dedicated cores for them while a
 * core stays for the shared pool and one for the batch pool (a VM that finds no room shares);
 * ceil(vCPUs / 2.5) batch threads (the matrix's 2.5x), one per core first, on cores of their
 * own, whose unused siblings join the shared pool; the rest of the node is the shared pool.
 */
function planNode(
  cores: readonly Core[],
  vms: readonly Workload[],
  smtOff: boolean,
  noisy: ReadonlyMap<string, string>,
): NodePlan {
  const high = vms.filter((vm) => classOf(vm) === "high");
  const batch = vms.filter((vm) => fenced(vm, noisy));
  const sharing = vms.filter((vm) => classOf(vm) !== "high" && !fenced(vm, noisy));
  const batchReserve = batch.length > 0 ? 1 : 0;
  // When a high-priority VM would find no room, it joins the shared pool, so the pool's core is
  // kept from the start (decided before any core is taken).
  const reserve = batchReserve + (sharing.length > 0 || !highFits(cores, high, batchReserve, smtOff) ? 1 : 0);
  let free = [...cores];
  const allocations: Allocation[] = [];
  for (const vm of high) {
    const { taken, left, fits } = takeCores(free, vm.vcpus, smtOff);
    if (!fits || free.length - taken.length < reserve) {
      sharing.push(vm);
      continue;
    }
    const need = taken.length;
    free = left;
    allocations.push({
      vm: vm.id,
      strategy: "dedicated",
      physicalCpus: taken
        .flatMap((core) => (smtOff ? [core.threads[0] as number] : core.threads))
        .sort((a, b) => a - b),
      cacheAffinity: 2,
      reasons: [
        `${vm.id} is high priority: ${need} dedicated core${need > 1 ? "s" : ""} (1:1, ${smtOff ? "SMT siblings left idle" : "with their SMT siblings"}) keep its L1/L2 warm and its latency steady`,
      ],
    });
  }
  const spareSiblings: number[] = [];
  if (batch.length > 0) {
    const threadsPerCore = Math.max(1, ...cores.map((core) => core.threads.length));
    const vcpus = batch.reduce((sum, vm) => sum + vm.vcpus, 0);
    // Each at its class's overcommit: 2.5x for batch work, 1.5x or 2x for a noisy medium or low VM.
    const threads = Math.ceil(
      batch.reduce((sum, vm) => sum + vm.vcpus / ALLOCATION_MATRIX[classOf(vm)].overcommit, 0) - 1e-9,
    );
    const { taken, left } = takeCores(free, threads, false, Math.max(1, free.length - (sharing.length > 0 ? 1 : 0)));
    free = left;
    const byThreadThenCore = Array.from({ length: threadsPerCore }, (_, k) =>
      taken.flatMap((core) => (core.threads[k] === undefined ? [] : [core.threads[k] as number])),
    ).flat();
    const cpus = byThreadThenCore.slice(0, Math.max(1, threads)).sort((a, b) => a - b);
    spareSiblings.push(...byThreadThenCore.slice(cpus.length));
    const fence = `fenced on ${cpus.length} thread${cpus.length > 1 ? "s" : ""} of ${taken.length} core${taken.length > 1 ? "s" : ""} of its own`;
    for (const vm of batch) {
      const cls = classOf(vm);
      const why = cls === "batch" ? `${vm.id} is batch work` : (noisy.get(vm.id) as string);
      allocations.push({
        vm: vm.id,
        strategy: "shared",
        physicalCpus: cpus,
        cacheAffinity: 0,
        reasons: [
          `${why}: ${fence} (${vcpus} fenced vCPU${vcpus > 1 ? "s" : ""}, ${cls} shared at up to ${ALLOCATION_MATRIX[cls].overcommit}x) so it cannot crowd latency-sensitive VMs off their cores and caches`,
        ],
      });
    }
  }
  // A node too small to keep a core for everyone (one core for batch and the rest) shares what
  // is not dedicated.
  const dedicated = new Set(allocations.filter((a) => a.strategy === "dedicated").flatMap((a) => a.physicalCpus));
  const leftOver = [...free.flatMap((core) => core.threads), ...spareSiblings];
  const pool = (
    leftOver.length > 0 ? leftOver : cores.flatMap((core) => core.threads).filter((cpu) => !dedicated.has(cpu))
  ).sort((a, b) => a - b);
  return { allocations, pool, sharing };
}

/** The shared pool's allocations, each saying the pool's vCPUs per thread against its class's limit. */
function sharedAllocations(plan: NodePlan): Allocation[] {
  const ratio = poolRatio(plan);
  const vcpus = plan.sharing.reduce((sum, vm) => sum + vm.vcpus, 0);
  const load = `${vcpus} vCPU${vcpus > 1 ? "s" : ""} on ${plan.pool.length} thread${plan.pool.length > 1 ? "s" : ""}, ${ratio.toFixed(2)}x`;
  return plan.sharing.map((vm) => {
    const cls = ALLOCATION_MATRIX[classOf(vm)];
    const limit = cls.overcommit;
    const within =
      ratio <= limit + 1e-9
        ? `within ${classOf(vm)}'s ${limit}x`
        : `above ${classOf(vm)}'s ${limit}x: the node holds more vCPUs than the matrix allows; move a VM to another node or give it fewer vCPUs`;
    return {
      vm: vm.id,
      // A high-priority VM that found no room to dedicate shares like the rest.
      strategy: cls.strategy === "dedicated" ? "shared" : cls.strategy,
      physicalCpus: plan.pool,
      cacheAffinity: 3,
      reasons: [
        cls.strategy === "dedicated"
          ? `${vm.id} (${classOf(vm)}) would get dedicated cores, but the node has no room left: it shares the node's remaining ${plan.pool.length} threads (${load}, ${within})`
          : `${vm.id} (${classOf(vm)}) shares the node's remaining ${plan.pool.length} threads (${cls.strategy}: ${load}, ${within})`,
      ],
    };
  });
}

/**
 * Allocates the CPUs of one node among the VMs placed on it, by class: high-priority VMs get
 * whole dedicated cores (one vCPU per core with SMT off when there is room, both siblings
 * otherwise); batch and other noisy VMs get their own cores, so their cache and execution-port
 * pressure stays off the others (isolation); everyone else shares the remaining threads. Idle
 * SMT siblings for the high class give way when the shared pool would otherwise run above the
 * overcommit its members' classes allow (the matrix's 1.5x for medium, 2x for low).
 */
export function allocateNode(
  topology: Topology,
  node: number,
  vms: readonly Workload[],
  noisy: ReadonlyMap<string, string> = new Map(),
): Allocation[] {
  const cores = coresOf(topology, node);
  const high = vms.filter((vm) => classOf(vm) === "high");
  const sharing = vms.some((vm) => classOf(vm) !== "high" && !fenced(vm, noisy));
  const batchReserve = vms.some((vm) => fenced(vm, noisy)) ? 1 : 0;
  const smtOff = highFits(cores, high, batchReserve + (sharing ? 1 : 0), true);
  let plan = planNode(cores, vms, smtOff, noisy);
  const limit = Math.min(...plan.sharing.map((vm) => ALLOCATION_MATRIX[classOf(vm)].overcommit));
  if (smtOff && poolRatio(plan) > limit + 1e-9) {
    const withSiblings = planNode(cores, vms, false, noisy);
    if (poolRatio(withSiblings) < poolRatio(plan)) plan = withSiblings;
  }
  return [...plan.allocations, ...sharedAllocations(plan)];
}

/**
 * The CPU pinning engine: once the NUMA optimizer has put a VM on a node, allocates that node's
 * cores by workload class (the seed's matrix). VMs still spread over several nodes are left to
 * the NUMA optimizer. Periodic rebalancing is the orchestrator calling it every interval.
 */
export class CpuPinning implements Tuner {
  readonly component = "cpu-pinning";

  recommend(context: TunerContext): Recommendation[] {
    const { topology } = context;
    const byNode = new Map<number, Workload[]>();
    for (const vm of topology.workloads) {
      const affinity = context.knobs.get(knobKey({ knob: "cpu-affinity", target: vm.id }));
      if (!Array.isArray(affinity)) continue;
      const nodes = nodesOf(topology, affinity as number[]);
      if (nodes.length !== 1 || (topology.nodes.length > 1 && !this.settled(context, vm.id))) continue;
      const node = nodes[0] as number;
      byNode.set(node, [...(byNode.get(node) ?? []), vm]);
    }
    const noisy = measuredNoisyNeighbours(topology, context.observation);
    const fences = this.placeSpreadBatch(context, byNode, noisy);
    // Each node is allocated once, with the batch VMs fenced on it this round, so a fence and the
    // node's other allocations never disagree.
    const allocations = [...byNode].flatMap(([node, vms]) =>
      allocateNode(topology, node, vms, noisy).map((allocation) => ({ ...allocation, node })),
    );
    const out: Recommendation[] = [];
    for (const allocation of allocations) {
      const current = context.knobs.get(knobKey({ knob: "cpu-affinity", target: allocation.vm }));
      if (current !== undefined && sameKnobValue(current, allocation.physicalCpus)) continue;
      const observed = context.observation.workloads.find((w) => w.id === allocation.vm);
      const vcpus = topology.workloads.find((vm) => vm.id === allocation.vm)?.vcpus ?? 1;
      const fence = fences.get(allocation.vm);
      // A fence hands back the CPU the batch VM used beyond its threads, as a share of the host;
      // any other allocation is worth its warm caches and the VM's time spent waiting for a CPU.
      const freed = ((observed?.cpuUtilization ?? 0) * vcpus - allocation.physicalCpus.length) / topology.cpus.length;
      out.push({
        component: this.component,
        knob: { knob: "cpu-affinity", target: allocation.vm },
        to: allocation.physicalCpus,
        expectedImpact: fence !== undefined ? Math.max(0.01, freed) : 0.02 + 0.05 * (observed?.cpuWaitRatio ?? 0),
        reasons: fence !== undefined ? [fence, ...allocation.reasons] : allocation.reasons,
        // Dedicated cores are only dedicated once the others are moved off them: a node's
        // allocations are judged and applied as one. A fence helps alone, so it goes alone.
        ...(fence === undefined && allocation.cacheAffinity !== 0
          ? { group: `cpu-pinning@node${allocation.node}` }
          : {}),
      });
    }
    return [...out, ...confineCachelessVms(context, this.component, noisy)];
  }

  /**
   * A batch VM the NUMA optimizer left spread over several nodes (placing it whole on one would
   * crowd that node) is still a noisy neighbour on every core it can reach: it joins the node
   * with the most CPU to spare (counting the batch VMs placed before it), whose allocation then
   * fences it, so the next allocation of that node keeps it there. Returns why, by VM.
   */
  private placeSpreadBatch(
    context: TunerContext,
    byNode: Map<number, Workload[]>,
    noisy: ReadonlyMap<string, string>,
  ): Map<string, string> {
    const { topology } = context;
    const busyOn = (node: number) =>
      (byNode.get(node) ?? []).reduce((sum, vm) => {
        const observed = context.observation.workloads.find((w) => w.id === vm.id);
        return sum + (observed?.cpuUtilization ?? 0) * vm.vcpus;
      }, 0);
    const spare = (node: (typeof topology.nodes)[number]) => node.cpus.length - busyOn(node.id);
    const reasons = new Map<string, string>();
    for (const vm of topology.workloads) {
      if (!fenced(vm, noisy) || !this.settled(context, vm.id)) continue;
      const affinity = context.knobs.get(knobKey({ knob: "cpu-affinity", target: vm.id }));
      const spread = Array.isArray(affinity) ? nodesOf(topology, affinity as number[]) : [];
      if (spread.length < 2) continue;
      const roomiest = topology.nodes
        .filter((node) => node.cpus.length > 0)
        .reduce<(typeof topology.nodes)[number] | undefined>(
          (best, node) => (best === undefined || spare(node) > spare(best) ? node : best),
          undefined,
        );
      if (roomiest === undefined) continue;
      reasons.set(
        vm.id,
        `${vm.id} runs on nodes ${spread.join(",")}: node ${roomiest.id} has the most CPU to spare (${spare(roomiest).toFixed(1)} of ${roomiest.cpus.length})`,
      );
      byNode.set(roomiest.id, [...(byNode.get(roomiest.id) ?? []), vm]);
    }
    return reasons;
  }

  /** A VM's node placement must have been kept for a while before its cores are pinned. */
  private settled(context: TunerContext, vm: string): boolean {
    const key = knobKey({ knob: "cpu-affinity", target: vm });
    return !context.recentChanges.some((change) => change.key === key && context.now - change.at < 300_000);
  }
}

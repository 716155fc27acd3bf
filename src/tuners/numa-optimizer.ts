import { type MemoryPolicy, sameKnobValue, type Topology, type WorkloadObservation } from "../backend.js";
import { measuredNoisyNeighbours } from "./noisy-neighbours.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

export interface NumaConfig {
  /** Act on a VM whose share of remote memory accesses exceeds this (the seed's 10%). */
  crossNodeTarget: number;
  /** numad's utilization target for a node (`-u`, default 85%). */
  maxNodeUtilization: number;
  /** At most one move per VM in this many ms (numad's MIN_DELAY_FOR_REEVALUATION, 300 s). */
  moveIntervalMs: number;
  /** Placement for latency-sensitive VMs that fit a node. */
  memoryPlacement: "local" | "preferred";
}

export const DEFAULT_NUMA_CONFIG: NumaConfig = {
  crossNodeTarget: 0.1,
  maxNodeUtilization: 0.85,
  moveIntervalMs: 300_000,
  memoryPlacement: "local",
};

/** The seed document's NUMA policy for one VM. */
export interface NumaPolicy {
  nodeAffinity: number[];
  cpuAffinity: number[];
  memoryPlacement: MemoryPolicy;
}

/** A VM to place: its CPU demand in CPUs and its resident memory. */
interface Demand {
  id: string;
  cpus: number;
  memoryBytes: number;
  /** Node holding most of its pages now, -1 if unknown. */
  homeNode: number;
  /** Already confined to this node (its affinity is within it): it stays. */
  placedOn?: number;
  /** Batch work evicts others' cache lines: latency-sensitive VMs are kept off its node when possible. */
  noisy: boolean;
  latencySensitive: boolean;
}

/** The nodes a CPU list touches. */
export function nodesOf(topology: Topology, cpus: readonly number[]): number[] {
  return [...new Set(cpus.map((cpu) => topology.cpus.find((c) => c.id === cpu)?.node ?? -1))]
    .filter((n) => n >= 0)
    .sort((a, b) => a - b);
}

/**
 * Places VMs on the fewest nodes that keep every node at or below the utilization target
 * (numad's rule: its `-u` target, numad.c and numad(8)), latency-sensitive VMs first, the largest
 * first, each onto the node with the most room, preferring a VM's current home to avoid migrating
 * its memory. When the whole host
 * is busier than the target, the target becomes the host's average plus 5%: placement may not
 * make any node worse than balanced.
 */
export function planNodes(
  topology: Topology,
  demands: readonly Demand[],
  maxUtilization: number,
): Map<string, number[]> {
  const capacity = topology.nodes.map((node) => node.cpus.length);
  const memory = topology.nodes.map((node) => node.memoryBytes * 0.95);
  const total = demands.reduce((sum, d) => sum + d.cpus, 0);
  const hostAverage = total / capacity.reduce((a, b) => a + b, 0);
  const limit = Math.max(maxUtilization, hostAverage + 0.05);
  const load = topology.nodes.map(() => 0);
  const used = topology.nodes.map(() => 0);
  const plan = new Map<string, number[]>();
  // VMs already on one node keep it: moving them again would only churn their memory.
  for (const vm of demands) {
    if (vm.placedOn === undefined) continue;
    load[vm.placedOn] = (load[vm.placedOn] as number) + vm.cpus;
    used[vm.placedOn] = (used[vm.placedOn] as number) + vm.memoryBytes;
    plan.set(vm.id, [vm.placedOn]);
  }
  const noisyOn = topology.nodes.map(() => 0);
  for (const vm of demands)
    if (vm.placedOn !== undefined && vm.noisy) noisyOn[vm.placedOn] = (noisyOn[vm.placedOn] as number) + 1;
  // Latency-sensitive VMs first, the largest first, so they spread evenly over the nodes; then
  // the rest (batch work among them) where there is most room. Busy latency-sensitive VMs crowd
  // each other's caches and cores as much as a batch VM does: placing the batch VM first and
  // steering the others off its node sent three of the seed fleet's four saturated web VMs to one
  // node, +25% throughput on the twin against +30% for two and two.
  const order = demands
    .filter((vm) => vm.placedOn === undefined)
    .sort(
      (a, b) => Number(b.latencySensitive) - Number(a.latencySensitive) || b.cpus - a.cpus || a.id.localeCompare(b.id),
    );
  for (const vm of order) {
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    topology.nodes.forEach((node) => {
      const n = node.id;
      const after = ((load[n] as number) + vm.cpus) / (capacity[n] as number);
      if (after > limit || (used[n] as number) + vm.memoryBytes > (memory[n] as number)) return;
      // Cache-locality: a latency-sensitive VM pays for sharing an L3 with batch work already
      // placed; a tie-breaker (a tenth of a node), not a reason to overload another node.
      const score = after - (n === vm.homeNode ? 0.02 : 0) + (vm.latencySensitive ? 0.1 * (noisyOn[n] as number) : 0);
      if (score < bestScore) {
        best = n;
        bestScore = score;
      }
    });
    if (best < 0) continue; // Fits no single node: leave it spread (numad would use two nodes; we keep the kernel's choice).
    load[best] = (load[best] as number) + vm.cpus;
    used[best] = (used[best] as number) + vm.memoryBytes;
    if (vm.noisy) noisyOn[best] = (noisyOn[best] as number) + 1;
    plan.set(vm.id, [best]);
  }
  return plan;
}

/**
 * The NUMA optimizer: detects the topology, measures each VM's cross-node traffic and, where it
 * exceeds the target, moves the VM's vCPUs and memory onto the node(s) planNodes chose. Pure:
 * rate limits come from the changes kept so far.
 */
export class NumaOptimizer implements Tuner {
  readonly component = "numa";

  constructor(readonly config: NumaConfig = DEFAULT_NUMA_CONFIG) {}

  /** The share of a VM's memory accesses that go to a remote node. */
  monitorCrossNodeTraffic(workload: WorkloadObservation): number {
    return workload.crossNodeRatio ?? 0;
  }

  /** The seed's API: a policy for a VM of `vcpus` and `memoryGiB` on a topology with the given node loads (CPUs busy). */
  optimizeVM(
    topology: Topology,
    vm: string,
    vcpus: number,
    memoryGiB: number,
    nodeLoad: readonly number[] = [],
  ): NumaPolicy | undefined {
    const demands: Demand[] = topology.nodes.map((node) => ({
      id: `load-${node.id}`,
      cpus: nodeLoad[node.id] ?? 0,
      memoryBytes: 0,
      homeNode: node.id,
      placedOn: node.id,
      noisy: false,
      latencySensitive: false,
    }));
    const plan = planNodes(
      topology,
      [
        ...demands,
        {
          id: vm,
          cpus: vcpus,
          memoryBytes: memoryGiB * 1024 ** 3,
          homeNode: -1,
          noisy: false,
          latencySensitive: false,
        },
      ],
      this.config.maxNodeUtilization,
    );
    const nodes = plan.get(vm);
    if (nodes === undefined) return undefined;
    return this.policyFor(topology, nodes);
  }

  recommend(context: TunerContext): Recommendation[] {
    const { topology, observation } = context;
    if (topology.nodes.length < 2) return [];
    const noisy = measuredNoisyNeighbours(topology, observation);
    const demands: Demand[] = observation.workloads.map((w) => {
      const vm = topology.workloads.find((candidate) => candidate.id === w.id);
      const affinity = context.knobs.get(knobKey({ knob: "cpu-affinity", target: w.id }));
      const nodes = Array.isArray(affinity) ? nodesOf(topology, affinity as number[]) : [];
      return {
        id: w.id,
        cpus: w.cpuUtilization * (vm?.vcpus ?? 1),
        memoryBytes: w.memoryBytes,
        homeNode: -1,
        noisy: vm?.priority === "batch" || noisy.has(w.id),
        latencySensitive: vm?.priority === "high" || (vm?.tags ?? []).includes("latency-sensitive"),
        ...(nodes.length === 1 ? { placedOn: nodes[0] as number } : {}),
      };
    });
    const plan = planNodes(topology, demands, this.config.maxNodeUtilization);
    const out: Recommendation[] = [];
    for (const workload of observation.workloads) {
      const nodes = plan.get(workload.id);
      const cross = this.monitorCrossNodeTraffic(workload);
      if (nodes === undefined || cross <= this.config.crossNodeTarget) continue;
      const affinityKey = knobKey({ knob: "cpu-affinity", target: workload.id });
      const policyKey = knobKey({ knob: "memory-policy", target: workload.id });
      const moved = context.recentChanges.some(
        (c) => (c.key === affinityKey || c.key === policyKey) && context.now - c.at < this.config.moveIntervalMs,
      );
      if (moved) continue;
      const policy = this.policyFor(topology, nodes);
      const reason = `${workload.id}: ${(cross * 100).toFixed(0)}% of memory accesses go to a remote node (target ${(this.config.crossNodeTarget * 100).toFixed(0)}%); node ${nodes.join(",")} has room for its ${(demands.find((d) => d.id === workload.id)?.cpus ?? 0).toFixed(1)} busy CPUs`;
      // The stall time a move removes grows with how much the VM runs: a busy VM stalls on
      // remote memory all the time, an idle one hardly ever, so the same remote share is worth
      // in proportion to its busy share (a floor of 5% keeps an idle VM's move worth making
      // eventually). Ranked by remote share alone, idle VMs' moves crowded busy work off the
      // what-if shortlist.
      const busy = Math.min(1, workload.cpuUtilization);
      const impact = cross * 0.3 * Math.max(0.05, busy);
      const affinity = context.knobs.get(affinityKey);
      const currentNodes = Array.isArray(affinity) ? nodesOf(topology, affinity as number[]) : [];
      if (!sameKnobValue(currentNodes, nodes)) {
        out.push({
          component: this.component,
          knob: { knob: "cpu-affinity", target: workload.id },
          to: policy.cpuAffinity,
          expectedImpact: impact,
          reasons: [reason, `run its vCPUs on node ${nodes.join(",")} (CPUs ${policy.cpuAffinity.length})`],
          group: `numa:${workload.id}`,
        });
      }
      if (!sameKnobValue(context.knobs.get(policyKey) ?? "", policy.memoryPlacement)) {
        out.push({
          component: this.component,
          knob: { knob: "memory-policy", target: workload.id },
          to: policy.memoryPlacement,
          expectedImpact: impact,
          reasons: [reason, `move its memory to node ${nodes.join(",")} (${policy.memoryPlacement.mode})`],
          group: `numa:${workload.id}`,
        });
      }
    }
    return out;
  }

  private policyFor(topology: Topology, nodes: number[]): NumaPolicy {
    const cpuAffinity = topology.nodes
      .filter((node) => nodes.includes(node.id))
      .flatMap((node) => node.cpus)
      .sort((a, b) => a - b);
    const memoryPlacement: MemoryPolicy =
      this.config.memoryPlacement === "local" ? { mode: "bind", nodes } : { mode: "preferred", nodes };
    return { nodeAffinity: nodes, cpuAffinity, memoryPlacement };
  }
}

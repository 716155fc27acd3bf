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
  /** Placement for VMs that fit a node; a VM spread over several nodes has its memory interleaved over them. */
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
  placedOn?: readonly number[];
  /** Confined to several nodes (fewer than all): kept there while no one node holds it, they still do and no fewer would. */
  spreadOver?: readonly number[];
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
 * its memory. A VM no node has room for is spread over the fewest nodes that do, the nearest to
 * each other by the SLIT (the same socket before the other), its CPU and memory split evenly as
 * interleaving leaves them; one no set of nodes can hold is left as it is. When the whole host is
 * busier than the target, the target becomes the host's average plus 5%: placement may not make
 * any node worse than balanced.
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
  const noisyOn = topology.nodes.map(() => 0);
  const plan = new Map<string, number[]>();
  const place = (vm: Demand, nodes: readonly number[]) => {
    for (const n of nodes) {
      load[n] = (load[n] as number) + vm.cpus / nodes.length;
      used[n] = (used[n] as number) + vm.memoryBytes / nodes.length;
      if (vm.noisy) noisyOn[n] = (noisyOn[n] as number) + 1;
    }
    plan.set(
      vm.id,
      [...nodes].sort((a, b) => a - b),
    );
  };
  // VMs already confined keep their nodes: moving them again would only churn their memory.
  for (const vm of demands) if (vm.placedOn !== undefined) place(vm, vm.placedOn);
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
    // Utilization of the busiest of `nodes` with the VM split over them; Infinity if it does not fit.
    const after = (nodes: readonly number[]) => {
      let worst = 0;
      for (const n of nodes) {
        const utilization = ((load[n] as number) + vm.cpus / nodes.length) / (capacity[n] as number);
        if (utilization > limit || (used[n] as number) + vm.memoryBytes / nodes.length > (memory[n] as number))
          return Number.POSITIVE_INFINITY;
        worst = Math.max(worst, utilization);
      }
      return worst;
    };
    let best: number[] | undefined;
    let bestScore = Number.POSITIVE_INFINITY;
    topology.nodes.forEach((node) => {
      const n = node.id;
      // Cache-locality: a latency-sensitive VM pays for sharing an L3 with batch work already
      // placed; a tie-breaker (a tenth of a node), not a reason to overload another node.
      const score =
        after([n]) - (n === vm.homeNode ? 0.02 : 0) + (vm.latencySensitive ? 0.1 * (noisyOn[n] as number) : 0);
      if (score < bestScore) {
        best = [n];
        bestScore = score;
      }
    });
    if (best === undefined) {
      const fewest = spreadNodes(topology, after, (n) => (load[n] as number) / (capacity[n] as number));
      // Spread already (a placement chosen in an earlier round), still fitting and on no more
      // nodes than needed: it stays there rather than churn its memory. On more (the what-if
      // once preferred a core per vCPU), the fewest stay on offer, for the twin to judge again.
      const current = vm.spreadOver;
      const keep =
        current !== undefined &&
        Number.isFinite(after(current)) &&
        current.length <= (fewest?.length ?? Number.POSITIVE_INFINITY);
      best = keep ? [...current] : fewest;
    }
    if (best !== undefined) place(vm, best);
  }
  return plan;
}

function nodeDistance(topology: Topology, a: number, b: number): number {
  return topology.nodes.find((node) => node.id === a)?.distances[b] ?? 10;
}

/** The largest SLIT distance between two of `nodes`: how far apart the set is. */
function spreadDistance(topology: Topology, nodes: readonly number[]): number {
  return Math.max(...nodes.flatMap((a) => nodes.map((b) => nodeDistance(topology, a, b))));
}

/** Sets of `size` node ids searched whole up to this many; beyond, nodes are added greedily. */
const MAX_SETS = 20_000;

/**
 * The fewest nodes that `after` says hold a VM (a finite utilization), of those the nearest each
 * other by the SLIT (one socket before two), then the least loaded, as numad spreads a process it
 * cannot fit: over the fewest nodes with the most room. Every set of a size is tried where there
 * are few enough (an 8-node host has 256 in all); on larger hosts, sets grow from each node by the
 * nearest, least loaded node.
 */
function spreadNodes(
  topology: Topology,
  after: (nodes: readonly number[]) => number,
  loadOf: (node: number) => number,
): number[] | undefined {
  const ids = topology.nodes.map((node) => node.id);
  for (let size = 2; size <= ids.length; size++) {
    const candidates = binomial(ids.length, size) <= MAX_SETS ? subsets(ids, size) : grown(topology, ids, size, loadOf);
    let best: number[] | undefined;
    let bestKey: [number, number] = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY];
    for (const set of candidates) {
      const utilization = after(set);
      if (!Number.isFinite(utilization)) continue;
      const spread = spreadDistance(topology, set);
      if (spread < bestKey[0] || (spread === bestKey[0] && utilization < bestKey[1])) {
        best = set;
        bestKey = [spread, utilization];
      }
    }
    if (best !== undefined) return best;
  }
  return undefined;
}

function binomial(n: number, k: number): number {
  let out = 1;
  for (let i = 1; i <= k; i++) out = (out * (n - k + i)) / i;
  return out;
}

/** Every `size`-element subset of `ids`, in lexicographic order. */
function* subsets(ids: readonly number[], size: number): Generator<number[]> {
  const pick: number[] = [];
  function* from(start: number): Generator<number[]> {
    if (pick.length === size) {
      yield pick.map((i) => ids[i] as number);
      return;
    }
    for (let i = start; i <= ids.length - (size - pick.length); i++) {
      pick.push(i);
      yield* from(i + 1);
      pick.pop();
    }
  }
  yield* from(0);
}

/** From each node, the set grown to `size` by the nearest node to it (largest SLIT to a member), then the least loaded. */
function grown(topology: Topology, ids: readonly number[], size: number, loadOf: (node: number) => number): number[][] {
  return ids.map((start) => {
    const set = [start];
    while (set.length < size) {
      const farthest = (n: number) => Math.max(...set.map((member) => nodeDistance(topology, member, n)));
      const next = ids
        .filter((n) => !set.includes(n))
        .sort((a, b) => farthest(a) - farthest(b) || loadOf(a) - loadOf(b) || a - b)[0];
      if (next === undefined) break;
      set.push(next);
    }
    return set;
  });
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
      placedOn: [node.id],
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
        ...(nodes.length === 1 ? { placedOn: nodes } : {}),
        // On several nodes but not all (on all of them, it is not placed at all).
        ...(nodes.length > 1 && nodes.length < topology.nodes.length ? { spreadOver: nodes } : {}),
      };
    });
    const plan = planNodes(topology, demands, this.config.maxNodeUtilization);
    const out: Recommendation[] = [];
    for (const workload of observation.workloads) {
      const nodes = plan.get(workload.id);
      const cross = this.monitorCrossNodeTraffic(workload);
      // A plan over every node confines nothing: the VM is left as the kernel runs it.
      if (nodes === undefined || nodes.length === topology.nodes.length || cross <= this.config.crossNodeTarget)
        continue;
      const moved = context.recentChanges.some(
        (c) =>
          (c.key === knobKey({ knob: "cpu-affinity", target: workload.id }) ||
            c.key === knobKey({ knob: "memory-policy", target: workload.id })) &&
          context.now - c.at < this.config.moveIntervalMs,
      );
      if (moved) continue;
      const demand = demands.find((d) => d.id === workload.id) as Demand;
      const remote = `${workload.id}: ${(cross * 100).toFixed(0)}% of memory accesses go to a remote node (target ${(this.config.crossNodeTarget * 100).toFixed(0)}%)`;
      if (nodes.length === 1) {
        out.push(
          ...this.move(
            context,
            workload,
            nodes,
            `${remote}; node ${nodes[0]} has room for its ${demand.cpus.toFixed(1)} busy CPUs`,
            "",
          ),
        );
        continue;
      }
      out.push(
        ...this.move(
          context,
          workload,
          nodes,
          `${remote}; no one node has room for its ${demand.cpus.toFixed(1)} busy CPUs: nodes ${nodes.join(",")}, the fewest near each other that do (SLIT ${spreadDistance(topology, nodes)})`,
          "",
        ),
      );
      // numad's rule counts logical CPUs, so a spread VM's busy vCPUs share cores with each other
      // (a thread beside a busy sibling runs at pair/2 of its speed). The alternative gives each
      // busy vCPU a core of its own, as the allocation matrix's high class does; the what-if on
      // the twin judges the two, and the orchestrator takes one value per knob.
      const threadsPerCore = Math.max(1, topology.cpus[0]?.siblings.length ?? 1);
      if (threadsPerCore === 1) continue;
      const wide = planNodes(
        topology,
        demands.map((d) => (d.id === workload.id ? { ...d, cpus: d.cpus * threadsPerCore } : d)),
        this.config.maxNodeUtilization,
      ).get(workload.id);
      if (wide === undefined || wide.length === topology.nodes.length || sameKnobValue(wide, nodes)) continue;
      out.push(
        ...this.move(
          context,
          workload,
          wide,
          `${remote}; a core for each of its ${demand.cpus.toFixed(1)} busy vCPUs (no SMT sibling shared): nodes ${wide.join(",")}, the fewest near each other with room (SLIT ${spreadDistance(topology, wide)})`,
          ":cores",
        ),
      );
    }
    return out;
  }

  /** The changes that move a VM's vCPUs and memory onto `nodes`, as one group. */
  private move(
    context: TunerContext,
    workload: WorkloadObservation,
    nodes: number[],
    reason: string,
    variant: string,
  ): Recommendation[] {
    const { topology } = context;
    const policy = this.policyFor(topology, nodes);
    // The stall time a move removes grows with how much the VM runs: a busy VM stalls on
    // remote memory all the time, an idle one hardly ever, so the same remote share is worth
    // in proportion to its busy share (a floor of 5% keeps an idle VM's move worth making
    // eventually). Ranked by remote share alone, idle VMs' moves crowded busy work off the
    // what-if shortlist.
    const busy = Math.min(1, workload.cpuUtilization);
    const impact = this.monitorCrossNodeTraffic(workload) * 0.3 * Math.max(0.05, busy);
    const group = `numa:${workload.id}${variant}`;
    const where = `node${nodes.length > 1 ? "s" : ""} ${nodes.join(",")}`;
    const out: Recommendation[] = [];
    const affinity = context.knobs.get(knobKey({ knob: "cpu-affinity", target: workload.id }));
    const currentNodes = Array.isArray(affinity) ? nodesOf(topology, affinity as number[]) : [];
    if (!sameKnobValue(currentNodes, nodes)) {
      out.push({
        component: this.component,
        knob: { knob: "cpu-affinity", target: workload.id },
        to: policy.cpuAffinity,
        expectedImpact: impact,
        reasons: [reason, `run its vCPUs on ${where} (CPUs ${policy.cpuAffinity.length})`],
        group,
      });
    }
    const memoryPolicy = context.knobs.get(knobKey({ knob: "memory-policy", target: workload.id }));
    if (!sameKnobValue(memoryPolicy ?? "", policy.memoryPlacement)) {
      out.push({
        component: this.component,
        knob: { knob: "memory-policy", target: workload.id },
        to: policy.memoryPlacement,
        expectedImpact: impact,
        reasons: [reason, `move its memory to ${where} (${policy.memoryPlacement.mode})`],
        group,
      });
    }
    return out;
  }

  private policyFor(topology: Topology, nodes: number[]): NumaPolicy {
    const cpuAffinity = topology.nodes
      .filter((node) => nodes.includes(node.id))
      .flatMap((node) => node.cpus)
      .sort((a, b) => a - b);
    // Spread over several nodes, interleaving keeps its CPUs' accesses and the nodes' memory
    // bandwidth even (bind would fill the lowest node first; preferred names one node).
    const memoryPlacement: MemoryPolicy =
      nodes.length > 1
        ? { mode: "interleave", nodes }
        : this.config.memoryPlacement === "local"
          ? { mode: "bind", nodes }
          : { mode: "preferred", nodes };
    return { nodeAffinity: nodes, cpuAffinity, memoryPlacement };
  }
}

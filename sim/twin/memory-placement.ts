import type { MemoryPolicy } from "../../src/backend.js";

/**
 * Where a VM's pages are, per NUMA node, and where its memory policy wants them. Changing the
 * policy migrates pages towards the target at the kernel's page-migration rate, so a move of
 * 8 GiB takes a few seconds of simulated time rather than happening at once.
 */
export class MemoryPlacement {
  private from: number[];
  private target: number[];
  private startNs = 0;
  private endNs = 0;

  constructor(initial: readonly number[]) {
    const total = initial.reduce((a, b) => a + b, 0);
    this.from = initial.map((share) => share / total);
    this.target = [...this.from];
  }

  /** Page shares per node at time `now`. */
  sharesAt(now: number): number[] {
    if (now >= this.endNs) return this.target;
    const progress = (now - this.startNs) / (this.endNs - this.startNs);
    return this.from.map((share, node) => share + ((this.target[node] as number) - share) * progress);
  }

  /** Starts moving pages towards `target` shares: `bytes` of memory at `bytesPerSecond`. */
  migrate(target: readonly number[], now: number, bytes: number, bytesPerSecond: number): void {
    const current = this.sharesAt(now);
    const moved = current.reduce((sum, share, node) => sum + Math.max(0, share - (target[node] ?? 0)), 0) * bytes;
    this.from = current;
    this.target = [...target];
    this.startNs = now;
    this.endNs = now + Math.round((moved / bytesPerSecond) * 1e9);
  }
}

/**
 * Page shares a memory policy asks for. `cpuNodes` are the nodes of the CPUs the VM may run on
 * (with multiplicity: one entry per allowed CPU). `default` keeps pages where first touch put
 * them; `local` follows the CPUs; `interleave` spreads evenly; `preferred` puts everything on
 * the first named node; `bind` confines to the named nodes, nearest to the CPUs first.
 */
export function policyTarget(
  policy: MemoryPolicy,
  nodeCount: number,
  cpuNodes: readonly number[],
  current: readonly number[],
): number[] {
  const shares = new Array<number>(nodeCount).fill(0);
  const spreadOver = (nodes: readonly number[], weights?: readonly number[]) => {
    nodes.forEach((node, i) => {
      shares[node] = (shares[node] as number) + (weights?.[i] ?? 1);
    });
    const total = shares.reduce((a, b) => a + b, 0);
    return shares.map((share) => share / total);
  };
  switch (policy.mode) {
    case "default":
      return [...current];
    case "local":
      return spreadOver(cpuNodes);
    case "interleave":
      return spreadOver(policy.nodes.length > 0 ? policy.nodes : Array.from({ length: nodeCount }, (_, node) => node));
    case "preferred":
      return spreadOver([policy.nodes[0] ?? cpuNodes[0] ?? 0]);
    case "bind": {
      const inSet = cpuNodes.filter((node) => policy.nodes.includes(node));
      return inSet.length > 0 ? spreadOver(inSet) : spreadOver(policy.nodes);
    }
  }
}

/** Kernel page migration moves roughly a gigabyte or two per second per process; 1.5 GB/s here (estimate). */
export const PAGE_MIGRATION_BYTES_PER_SEC = 1.5e9;

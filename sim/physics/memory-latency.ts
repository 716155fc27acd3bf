/**
 * Mean memory access latency for a thread on one NUMA node whose pages are spread over nodes:
 * each access is local or remote according to where the page is, so the latency is the
 * page-weighted row of the host's measured latency matrix (not a SLIT ratio).
 *
 * Bandwidth contention raises it: a memory controller at utilization u queues requests, modeled
 * as M/D/1 waiting added to the idle latency, latency·(1 + u/(2(1-u))), u capped at 0.95.
 */
export function memoryLatencyNs(
  latencyNs: readonly (readonly number[])[],
  cpuNode: number,
  pageShares: readonly number[],
  controllerUtilization: readonly number[] = [],
): number {
  const row = latencyNs[cpuNode];
  if (row === undefined) throw new RangeError(`no latency row for node ${cpuNode}`);
  let total = 0;
  let weight = 0;
  pageShares.forEach((share, node) => {
    if (share <= 0) return;
    const u = Math.min(0.95, Math.max(0, controllerUtilization[node] ?? 0));
    total += share * (row[node] as number) * (1 + u / (2 * (1 - u)));
    weight += share;
  });
  return weight > 0 ? total / weight : (row[cpuNode] as number);
}

/** Share of accesses from a thread on `cpuNode` that go to other nodes' memory. */
export function remoteShare(cpuNode: number, pageShares: readonly number[]): number {
  let total = 0;
  let remote = 0;
  pageShares.forEach((share, node) => {
    total += share;
    if (node !== cpuNode) remote += share;
  });
  return total > 0 ? remote / total : 0;
}

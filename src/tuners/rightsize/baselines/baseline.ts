import type { InstanceCatalog } from "../../../catalog/instance-catalog.js";
import type { InstanceType } from "../../../catalog/instance-type.js";
import type { VmHistory } from "../vm-history.js";

/** A request in absolute units, as VPA, KRR or Compute Optimizer would set it. */
export interface Request {
  cpuCores: number;
  memGiB: number;
}

/** A re-implemented sizing rule from prior art, for side-by-side comparison on the same data. */
export interface Baseline {
  name: string;
  /** The rule in one line, with its source. */
  rule: string;
  /** The request for a VM, or undefined when the tool would not recommend (too little data). */
  request(history: VmHistory, lookbackSeconds: number): Request | undefined;
}

/**
 * These tools size requests to 100% of the computed value (their margins are the headroom), so a
 * type fits when its vCPUs and memory are at least the request: the cheapest such type, or the
 * type with the most vCPUs then memory when none is big enough. Without a request: the VM's type.
 */
export function typeForRequest(
  catalog: InstanceCatalog,
  request: Request | undefined,
  current: InstanceType,
): InstanceType {
  if (request === undefined) return current;
  const fit = catalog.types.find((type) => type.vcpus >= request.cpuCores && type.memoryGiB >= request.memGiB);
  if (fit !== undefined) return fit;
  return [...catalog.types].sort(
    (a, b) => b.vcpus - a.vcpus || b.memoryGiB - a.memoryGiB || a.hourlyUsd - b.hourlyUsd,
  )[0] as InstanceType;
}

/** The window [from, length) of the history's last `lookbackSeconds`. */
export function windowStart(history: VmHistory, lookbackSeconds: number): number {
  return history.indexAt(history.lastTime - lookbackSeconds);
}

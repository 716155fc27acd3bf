import { quantile } from "../../metrics/quantile.js";

/**
 * When a VM is idle enough to terminate: P95 CPU below 3% of its vCPUs, as Azure Advisor's
 * shutdown rule (MicrosoftDocs azure-docs, advisor-cost-recommendations.md), and CPU never above
 * 2% over the whole window, where Advisor looks only at the last 3 days: terminating is the one
 * action a resize cannot undo, so a blip anywhere in the window keeps the VM. (Advisor's P95 is
 * of per-interval maxima and it also requires outbound network below 2%; traces rarely carry
 * either, so neither is used.)
 */
export const IDLE_P95 = 0.03;
export const IDLE_MAX = 0.02;

/** Whether CPU demand (cores) on `vcpus` vCPUs looks idle by the rule above. */
export function looksIdle(cpuCores: ArrayLike<number>, vcpus: number, scratch?: Float64Array): boolean {
  const n = cpuCores.length;
  if (n === 0) return false;
  for (let i = 0; i < n; i++) if ((cpuCores[i] as number) > IDLE_MAX * vcpus) return false;
  return quantile(cpuCores, 0.95, scratch) < IDLE_P95 * vcpus;
}

import { quantile } from "../../metrics/quantile.js";

/**
 * Azure Advisor's shutdown rule (MicrosoftDocs azure-docs, advisor-cost-recommendations.md),
 * on average utilisation samples: P95 CPU below 3% of the vCPUs over the window and CPU never
 * above 2% over its last 3 days. (Advisor's P95 is of per-interval maxima and it also requires
 * outbound network below 2%; traces rarely carry either, so neither is used.)
 */
export const IDLE_P95 = 0.03;
export const IDLE_MAX_LAST_3_DAYS = 0.02;
const THREE_DAYS = 3 * 86_400;

/** Whether CPU demand (cores, times sorted) on `vcpus` vCPUs looks idle by the rule above. */
export function looksIdle(
  times: ArrayLike<number>,
  cpuCores: ArrayLike<number>,
  vcpus: number,
  scratch?: Float64Array,
): boolean {
  const n = cpuCores.length;
  if (n === 0) return false;
  const end = times[n - 1] as number;
  for (let i = n - 1; i >= 0 && (times[i] as number) >= end - THREE_DAYS; i--) {
    if ((cpuCores[i] as number) > IDLE_MAX_LAST_3_DAYS * vcpus) return false;
  }
  return quantile(cpuCores, 0.95, scratch) < IDLE_P95 * vcpus;
}

import type { InstanceCatalog } from "../../catalog/instance-catalog.js";
import type { InstanceType } from "../../catalog/instance-type.js";
import { normalCdf } from "../../math/normal-cdf.js";
import type { SizingPolicy } from "./policy.js";

/** What a VM needs over the horizon, with the uncertainty of each need (log scale). */
export interface Needs {
  cpuCores: number;
  memGiB: number;
  cpuSigma: number;
  memSigma: number;
  /** No type with less memory than this is acceptable (observed peak plus margin). */
  memFloorGiB: number;
}

/**
 * Probability that `type` keeps both needs within the policy's targets over the horizon, taking
 * each need as lognormal around its forecast with its sigma, the two independent.
 */
export function holdProbability(type: InstanceType, needs: Needs, policy: SizingPolicy): number {
  if (type.memoryGiB < needs.memFloorGiB) return 0;
  return (
    within(type.vcpus * policy.cpuTarget, needs.cpuCores, needs.cpuSigma) *
    within(type.memoryGiB * policy.memTarget, needs.memGiB, needs.memSigma)
  );
}

function within(limit: number, need: number, sigma: number): number {
  if (!(need > 0)) return 1;
  const margin = Math.log(limit / need);
  if (sigma <= 0) return margin >= 0 ? 1 : 0;
  return normalCdf(margin / sigma);
}

/**
 * The cheapest type that holds the needs with at least `threshold` probability. When none
 * does, the most likely one, flagged so the reasons can say so; when none has any chance (the
 * memory floor exceeds every type), the one with the most memory, then vCPUs.
 */
export function chooseType(
  catalog: InstanceCatalog,
  needs: Needs,
  policy: SizingPolicy,
  threshold: number,
): { type: InstanceType; probability: number; sufficient: boolean } {
  let best: { type: InstanceType; probability: number } | undefined;
  for (const type of catalog.types) {
    const probability = holdProbability(type, needs, policy);
    if (probability >= threshold) return { type, probability, sufficient: true };
    const bigger =
      best !== undefined &&
      probability === best.probability &&
      (type.memoryGiB > best.type.memoryGiB ||
        (type.memoryGiB === best.type.memoryGiB && type.vcpus > best.type.vcpus));
    if (best === undefined || probability > best.probability || (probability === 0 && bigger))
      best = { type, probability };
  }
  const fallback = best as { type: InstanceType; probability: number };
  return { ...fallback, sufficient: false };
}

/**
 * The policy's rule with the needs known exactly (the ground truth of a twin run): the cheapest
 * type whose vCPUs × cpuTarget and memory × memTarget hold them, or undefined when none does.
 */
export function cheapestHolding(
  catalog: InstanceCatalog,
  cpuCores: number,
  memGiB: number,
  policy: SizingPolicy,
): InstanceType | undefined {
  return catalog.types.find(
    (type) => cpuCores <= type.vcpus * policy.cpuTarget && memGiB <= type.memoryGiB * policy.memTarget,
  );
}

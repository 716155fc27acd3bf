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

/** Probabilities within this share of the best count as equal when no type holds the needs. */
const SAME_PROBABILITY = 0.01;

/**
 * The cheapest type that holds the needs with at least `threshold` probability. When none
 * does, the most likely one, flagged so the reasons can say so; of types within 1% of the best
 * probability, the cheapest (a pricier type that only adds memory nobody needs buys nothing).
 * When none has any chance (the memory floor exceeds every type), the one with the most memory,
 * then vCPUs.
 */
export function chooseType(
  catalog: InstanceCatalog,
  needs: Needs,
  policy: SizingPolicy,
  threshold: number,
): { type: InstanceType; probability: number; sufficient: boolean } {
  const probabilities: number[] = [];
  for (const type of catalog.types) {
    const probability = holdProbability(type, needs, policy);
    if (probability >= threshold) return { type, probability, sufficient: true };
    probabilities.push(probability);
  }
  const best = Math.max(...probabilities);
  if (best > 0) {
    // Types are cheapest first, so the first one close enough to the best is the cheapest of them.
    const index = probabilities.findIndex((p) => p >= best * (1 - SAME_PROBABILITY));
    return {
      type: catalog.types[index] as InstanceType,
      probability: probabilities[index] as number,
      sufficient: false,
    };
  }
  const largest = catalog.types.reduce((a, b) =>
    b.memoryGiB > a.memoryGiB || (b.memoryGiB === a.memoryGiB && b.vcpus > a.vcpus) ? b : a,
  );
  return { type: largest, probability: 0, sufficient: false };
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

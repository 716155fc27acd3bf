import { functionWeights } from "./function-weights.js";
import { type StackProfile, totalWeight } from "./stack-profile.js";

export interface Hotspot {
  functionName: string;
  /** Self share of all samples, a fraction (0.12 = 12%): the time spent in the function itself. */
  percentage: number;
  /** Self weight (samples, or the profile's unit). */
  samples: number;
  /** Inclusive share (the function and what it calls), a fraction. */
  totalPercentage: number;
  totalSamples: number;
}

/**
 * Functions whose self share is at least `threshold` (a fraction; default 0.05 = 5%), aggregated
 * across call paths as pprof's `top` does, ranked by self weight. The threshold is on the self
 * share: an inclusive share would flag main() and every caller above a hot leaf.
 */
export function findHotspots(profile: StackProfile, threshold = 0.05): Hotspot[] {
  const total = totalWeight(profile);
  if (total <= 0) return [];
  const hotspots: Hotspot[] = [];
  for (const [functionName, weight] of functionWeights(profile)) {
    const percentage = weight.self / total;
    if (weight.self > 0 && percentage >= threshold) {
      hotspots.push({
        functionName,
        percentage,
        samples: weight.self,
        totalPercentage: weight.total / total,
        totalSamples: weight.total,
      });
    }
  }
  return hotspots.sort((a, b) => b.samples - a.samples || (a.functionName < b.functionName ? -1 : 1));
}

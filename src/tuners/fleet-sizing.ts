/**
 * Fleet decisions for the fluid fleet mode, as pure rules on what fleet monitoring shows (each
 * VM's vCPU utilization samples, its tags), never the twin's demand model: the seed document's
 * rules, without the confidence, trend and seasonality of the right-sizing engine
 * (src/tuners/rightsize/), which this mode does not use yet.
 */

/** The seed document's CPU target band for right-sizing (P95 utilization). */
export const CPU_TARGET_BAND = { min: 0.6, max: 0.8 } as const;

/** The p-quantile of samples (nearest rank on a sorted copy; 0 for none). */
export function quantile(samples: ArrayLike<number>, p: number): number {
  const n = samples.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(samples).sort();
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(p * n) - 1))] as number;
}

/**
 * The size for a VM whose P95 utilization on `vcpus` was `p95`: unchanged inside the target
 * band; otherwise the smallest size on the ladder where the same demand stays at or under the
 * band's top (the largest size when none does).
 */
export function rightSize(p95: number, vcpus: number, ladder: readonly number[]): number {
  if (p95 >= CPU_TARGET_BAND.min && p95 <= CPU_TARGET_BAND.max) return vcpus;
  const demand = p95 * vcpus;
  const sizes = [...ladder].sort((a, b) => a - b);
  return sizes.find((size) => demand / size <= CPU_TARGET_BAND.max) ?? (sizes.at(-1) as number);
}

export type Pricing = "on-demand" | "spot";

/**
 * Where a VM should run for cost: interruption-tolerant work on spot (the seed document's "spot
 * instance recommendations"), latency-sensitive work on on-demand capacity, anything else left
 * where it is.
 */
export function placePricing(current: Pricing, tags: readonly string[]): Pricing {
  if (tags.includes("interruptible")) return "spot";
  if (tags.includes("latency-sensitive")) return "on-demand";
  return current;
}

/** Where a fleet VM runs for cost: on-demand or spot capacity. */
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

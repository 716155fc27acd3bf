export type PinningStrategy = "dedicated" | "mixed" | "shared";

/**
 * The seed document's allocation matrix: a workload class gets a strategy, an overcommit ratio
 * (vCPUs per logical CPU of its pool), whether it may use both SMT siblings, and the cache level
 * it should keep warm.
 */
export const ALLOCATION_MATRIX = {
  high: { strategy: "dedicated", overcommit: 1.0, smt: false, cache: "L1/L2" },
  medium: { strategy: "mixed", overcommit: 1.5, smt: true, cache: "L2/L3" },
  low: { strategy: "shared", overcommit: 2.0, smt: true, cache: "L3" },
  batch: { strategy: "shared", overcommit: 2.5, smt: true, cache: "none" },
} as const;

export type WorkloadClass = keyof typeof ALLOCATION_MATRIX;

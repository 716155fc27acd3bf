/** Spot pricing of an instance type: the typical discount and how often AWS takes it back. */
export interface SpotTerms {
  /** Fraction below the on-demand price, in [0, 1). */
  discount: number;
  /** Probability that a spot instance is interrupted within a month, in [0, 1]. */
  interruptionRate: number;
}

/** One catalog entry: what the type gives and what it costs. */
export interface InstanceType {
  name: string;
  family?: string;
  vcpus: number;
  memoryGiB: number;
  /** On-demand price, USD per hour. */
  hourlyUsd: number;
  /** Absent: no spot market for this type in the catalog. */
  spot?: SpotTerms;
  /** 1-year reservation discount (fraction below on-demand); absent: not offered. */
  reserved1yDiscount?: number;
  /** 1-year savings-plan discount (fraction below on-demand); absent: not offered. */
  savingsPlan1yDiscount?: number;
  /** Key of the price's source in the catalog's `sources`. */
  source?: string;
}

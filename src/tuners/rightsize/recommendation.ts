import type { DemandForecast } from "./demand-forecast.js";

/** What to do with a VM. `to` equals `from` unless the action changes the type. */
export type Action = "downsize" | "upsize" | "maintain" | "terminate" | "insufficient-data";

export interface Recommendation {
  vm: string;
  action: Action;
  /** The instance type the VM has now. */
  from: string;
  /** The recommended type; for terminate, the type to use if the VM is kept after all. */
  to: string;
  /** Probability that `to` holds the policy's targets over the horizon (0 without data). */
  confidence: number;
  /** On-demand USD a month saved by the action (negative for an upsize). */
  monthlySavingsUsd: number;
  /** Why, in words, most important first. */
  reasons: string[];
  /** The forecast behind it (absent for insufficient-data). */
  forecast?: DemandForecast;
}

import { type PolicyName, policy, type SizingPolicy } from "./policy.js";

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * The right-sizer's settings, in the seed document's terms (RightSizingConfig). Targets given
 * here override the policy's; durations are seconds.
 */
export interface RightSizerOptions {
  policy?: PolicyName | SizingPolicy;
  /** Upper end of the CPU band (seed: CPUTargetMax 0.80); overrides the policy's cpuTarget. */
  cpuTargetMax?: number;
  cpuTargetMin?: number;
  /** Upper end of the memory band (seed: MemoryTargetMax 0.85). */
  memoryTargetMax?: number;
  memoryTargetMin?: number;
  /** Minimum span of observations before any action (seed: 24 h). */
  observationPeriodSeconds?: number;
  /** Minimum number of samples before any action (KRR's 100 points). */
  minSamples?: number;
  /** The chosen type must hold the targets with at least this probability (seed: 0.90). */
  confidenceThreshold?: number;
  /** A downsize must save at least this share of the cost (seed: 10%). */
  minSavingsFraction?: number;
  /** How far ahead the type must hold (default 7 days). */
  horizonSeconds?: number;
  /** How much history is kept and used (default 14 days, AWS Compute Optimizer's default lookback). */
  lookbackSeconds?: number;
  /** Within the horizon, a recommendation only changes when the needs moved by more than this (10%). */
  hysteresisFraction?: number;
  /** Significance level for trends (5%). */
  trendAlpha?: number;
}

export type RightSizerConfig = Required<Omit<RightSizerOptions, "policy" | `${string}Target${string}`>> & {
  policy: SizingPolicy;
};

/** Fills defaults and folds target overrides into the policy; throws RangeError on nonsense. */
export function resolveConfig(options: RightSizerOptions = {}): RightSizerConfig {
  const base = typeof options.policy === "object" ? options.policy : policy(options.policy ?? "balanced");
  const sized: SizingPolicy = {
    ...base,
    cpuTarget: options.cpuTargetMax ?? base.cpuTarget,
    cpuBandLow: options.cpuTargetMin ?? base.cpuBandLow,
    memTarget: options.memoryTargetMax ?? base.memTarget,
    memBandLow: options.memoryTargetMin ?? base.memBandLow,
  };
  for (const [key, value] of Object.entries({ cpuTarget: sized.cpuTarget, memTarget: sized.memTarget }))
    if (!(value > 0 && value <= 1)) throw new RangeError(`${key} must be in (0, 1], got ${value}`);
  const config: RightSizerConfig = {
    policy: sized,
    observationPeriodSeconds: options.observationPeriodSeconds ?? DAY,
    minSamples: options.minSamples ?? 100,
    confidenceThreshold: options.confidenceThreshold ?? 0.9,
    minSavingsFraction: options.minSavingsFraction ?? 0.1,
    horizonSeconds: options.horizonSeconds ?? 7 * DAY,
    lookbackSeconds: options.lookbackSeconds ?? 14 * DAY,
    hysteresisFraction: options.hysteresisFraction ?? 0.1,
    trendAlpha: options.trendAlpha ?? 0.05,
  };
  if (!(config.horizonSeconds > 0)) throw new RangeError("horizon must be positive");
  if (!(config.confidenceThreshold > 0 && config.confidenceThreshold < 1))
    throw new RangeError("confidenceThreshold must be in (0, 1)");
  return config;
}

/** The names `--policy` accepts. */
export const POLICY_NAMES = ["balanced", "conservative", "aggressive", "user-facing", "batch"] as const;
export type PolicyName = (typeof POLICY_NAMES)[number];

/**
 * What a sizing policy asks of the type it picks. CPU: the `cpuQuantile` of demand stays at or
 * below `cpuTarget` of the type's vCPUs. Memory: the `memQuantile` (1 = the peak) stays at or
 * below `memTarget` of its memory, and memory is never below the observed peak × (1 + memMargin).
 * The band's lower ends only grade the current type in the reasons (below it: oversized).
 */
export interface SizingPolicy {
  name: PolicyName;
  summary: string;
  cpuQuantile: number;
  cpuTarget: number;
  cpuBandLow: number;
  memQuantile: number;
  memTarget: number;
  memBandLow: number;
  memMargin: number;
  /** Extrapolate significant trends over the horizon. */
  extrapolateTrend: boolean;
}

const POLICIES: Record<PolicyName, SizingPolicy> = {
  // The seed document's targets: P95 CPU 60-80%, memory 70-85%.
  balanced: {
    name: "balanced",
    summary: "P95 CPU at most 80% of the vCPUs, peak memory at most 85%, trends extrapolated",
    cpuQuantile: 0.95,
    cpuTarget: 0.8,
    cpuBandLow: 0.6,
    memQuantile: 1,
    memTarget: 0.85,
    memBandLow: 0.7,
    memMargin: 0.05,
    extrapolateTrend: true,
  },
  // AWS Compute Optimizer's defaults: P99.5 threshold, 20% headroom on CPU and memory
  // (AWS Compute Optimizer API reference: CustomizableMetricParameters).
  conservative: {
    name: "conservative",
    summary: "P99.5 CPU and memory plus 20% headroom (AWS Compute Optimizer's defaults), trends extrapolated",
    cpuQuantile: 0.995,
    cpuTarget: 1 / 1.2,
    cpuBandLow: 0.5,
    memQuantile: 0.995,
    memTarget: 1 / 1.2,
    memBandLow: 0.5,
    memMargin: 0.05,
    extrapolateTrend: true,
  },
  aggressive: {
    name: "aggressive",
    summary: "P90 CPU at most 90% of the vCPUs, peak memory at most 95%, no trend extrapolation",
    cpuQuantile: 0.9,
    cpuTarget: 0.9,
    cpuBandLow: 0.7,
    memQuantile: 1,
    memTarget: 0.95,
    memBandLow: 0.8,
    memMargin: 0.05,
    extrapolateTrend: false,
  },
  // Azure Advisor's resize thresholds for user-facing workloads: P95 CPU <= 40%, P100 memory <= 60%
  // (MicrosoftDocs azure-docs, articles/advisor/advisor-cost-recommendations.md).
  "user-facing": {
    name: "user-facing",
    summary: "P95 CPU at most 40%, peak memory at most 60% (Azure Advisor, user-facing)",
    cpuQuantile: 0.95,
    cpuTarget: 0.4,
    cpuBandLow: 0.2,
    memQuantile: 1,
    memTarget: 0.6,
    memBandLow: 0.3,
    memMargin: 0.05,
    extrapolateTrend: true,
  },
  // Azure Advisor's thresholds for the rest (batch): P95 CPU <= 80%, P100 memory <= 80%.
  batch: {
    name: "batch",
    summary: "P95 CPU at most 80%, peak memory at most 80% (Azure Advisor, non-user-facing)",
    cpuQuantile: 0.95,
    cpuTarget: 0.8,
    cpuBandLow: 0.4,
    memQuantile: 1,
    memTarget: 0.8,
    memBandLow: 0.4,
    memMargin: 0.05,
    extrapolateTrend: true,
  },
};

/** The policy called `name`, or undefined. */
export function policyByName(name: string): SizingPolicy | undefined {
  return (POLICY_NAMES as readonly string[]).includes(name) ? POLICIES[name as PolicyName] : undefined;
}

export function policy(name: PolicyName): SizingPolicy {
  return POLICIES[name];
}

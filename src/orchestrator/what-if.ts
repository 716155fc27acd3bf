import { type AbVerdict, abVerdict, type MetricVerdict, type SloSample } from "./ab-test.js";
import { serviceScore } from "./convergence.js";
import type { Comparison } from "./counterfactual.js";

export interface WhatIfPrediction {
  /** Relative change of the service score (throughput / P95 / cost) the twin predicts; positive is better. */
  gain: number;
  /** The verdict validation would give the same samples: a change it would revert is not applied. */
  verdict: AbVerdict;
  /** The metric that worsened most. */
  worst: MetricVerdict;
  /**
   * A metric worsened by more than half the threshold, significant or not. A what-if window is a
   * fifth of validation's and has a few samples: its t-test often cannot confirm what the longer
   * window will, and its point estimate under-reads it (on the seed fleet a set of VM moves
   * validation reverted for 11.1% had passed the what-if at the full threshold).
   */
  atRisk: boolean;
}

function score(samples: readonly SloSample[], monthlyCostUsd: number): number {
  const mean = (pick: (s: SloSample) => number) =>
    samples.reduce((sum, s) => sum + pick(s), 0) / Math.max(1, samples.length);
  const p95 = mean((s) => s.p95LatencyMs);
  return serviceScore({
    throughputRps: mean((s) => s.throughputRps),
    latencyMs: { p50: p95, p95, p99: p95, mean: p95 },
    errorRate: mean((s) => s.errorRate),
    iops: 0,
    monthlyCostUsd,
  });
}

/** What a paired what-if run on the twin predicts for a set of changes. */
export function whatIfPrediction(comparison: Comparison, degradationThreshold: number): WhatIfPrediction {
  const gain = score(comparison.b, comparison.costB) / Math.max(1e-12, score(comparison.a, comparison.costA)) - 1;
  const verdict = abVerdict(comparison.a, comparison.b, degradationThreshold, true);
  const worst = verdict.metrics.reduce((a, b) => (b.worsening > a.worsening ? b : a));
  const atRisk = verdict.metrics.some(
    (m) => m.worsening > 0.5 * (m.metric === "errorRate" ? degradationThreshold / 10 : degradationThreshold),
  );
  return { gain, verdict, worst, atRisk };
}

/** How a prediction reads in an event's reason. */
export function describeWorst(worst: MetricVerdict): string {
  return `${worst.scope === "service" ? "" : `${worst.scope} `}${worst.metric} ${(worst.worsening * 100).toFixed(1)}% worse`;
}

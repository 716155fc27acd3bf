import type { RunMetrics, RunResult } from "../report/run-result.js";

/** What a sweep keeps of one run for its statistics. */
export interface RunSummary {
  seed: number;
  configHash: string;
  traceHash: string;
  modelVersion: string;
  baseline: RunMetrics;
  tuned: RunMetrics;
  convergedAtMinutes: number | null;
  rollbacks: number;
  kept: number;
}

export function summarize(result: RunResult): RunSummary {
  return {
    seed: result.seed,
    configHash: result.configHash,
    traceHash: result.traceHash,
    modelVersion: result.modelVersion,
    baseline: result.baseline,
    tuned: result.tuned,
    convergedAtMinutes: result.convergence.converged ? result.convergence.atMinutes : null,
    rollbacks: result.rollbacks,
    kept: result.history.filter((event) => event.action === "keep").length,
  };
}

const change = (before: number, after: number) => (before === 0 ? undefined : ((after - before) / before) * 100);

/** A figure of a run a sweep aggregates; `value` is undefined when the run has none (never converged). */
export interface SweepMetric {
  key: string;
  label: string;
  unit: string;
  /** Which way is better, for the comparison's winner; undefined when neither is. */
  better?: "up" | "down";
  value: (run: RunSummary) => number | undefined;
}

/** The service score the orchestrator tunes for: throughput per ms of p95 latency per dollar a month. */
export function serviceScoreOf(metrics: RunMetrics): number {
  return metrics.throughputRps / Math.max(metrics.p95LatencyMs, 1e-6) / Math.max(metrics.monthlyCostUsd, 1e-6);
}

export const SWEEP_METRICS: readonly SweepMetric[] = [
  {
    key: "scoreChangePct",
    label: "service score change",
    unit: "%",
    better: "up",
    value: (r) => change(serviceScoreOf(r.baseline), serviceScoreOf(r.tuned)),
  },
  { key: "throughputRps", label: "throughput after", unit: "req/s", better: "up", value: (r) => r.tuned.throughputRps },
  {
    key: "throughputChangePct",
    label: "throughput change",
    unit: "%",
    better: "up",
    value: (r) => change(r.baseline.throughputRps, r.tuned.throughputRps),
  },
  { key: "p95LatencyMs", label: "p95 latency after", unit: "ms", better: "down", value: (r) => r.tuned.p95LatencyMs },
  {
    key: "p95ChangePct",
    label: "p95 latency change",
    unit: "%",
    better: "down",
    value: (r) => change(r.baseline.p95LatencyMs, r.tuned.p95LatencyMs),
  },
  {
    key: "monthlyCostUsd",
    label: "monthly cost after",
    unit: "USD",
    better: "down",
    value: (r) => r.tuned.monthlyCostUsd,
  },
  {
    key: "costChangePct",
    label: "monthly cost change",
    unit: "%",
    better: "down",
    value: (r) => change(r.baseline.monthlyCostUsd, r.tuned.monthlyCostUsd),
  },
  { key: "errorRatePct", label: "errors after", unit: "%", better: "down", value: (r) => r.tuned.errorRate * 100 },
  { key: "cpuUtilPct", label: "CPU utilization after", unit: "%", value: (r) => r.tuned.cpuUtil * 100 },
  {
    key: "convergenceMinutes",
    label: "convergence time",
    unit: "min",
    better: "down",
    value: (r) => r.convergedAtMinutes ?? undefined,
  },
  { key: "rollbacks", label: "rollbacks", unit: "", better: "down", value: (r) => r.rollbacks },
];

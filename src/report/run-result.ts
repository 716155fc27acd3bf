import type { KnobValue } from "../backend.js";
import { grouped } from "../number-text.js";
import type { ConvergenceWindow } from "../orchestrator/convergence.js";

/**
 * The shape of a tuning run's result as the report, the sweep and the comparison read it. The
 * runners (`sim/tuning-run.ts` per request, `sim/fluid/fleet-run.ts` for fleets) produce it; the
 * type lives here so engine code reads it without importing the twin, and the CLI, where both
 * meet, checks the two agree.
 */

/** The figures of the seed document's before/after table, from one evaluation window. */
export interface RunMetrics {
  throughputRps: number;
  p95LatencyMs: number;
  cpuUtil: number;
  memUtil: number;
  monthlyCostUsd: number;
  iops: number;
  /** Share of requests that failed (timed out, refused, or sent to a VM that was down). */
  errorRate: number;
}

/** One bucket of a latency histogram: requests (or request-weighted VM steps) in [lowMs, highMs). */
export interface LatencyBucket {
  lowMs: number;
  highMs: number;
  count: number;
}

/** What one VM (or a group of fleet VMs) costs and serves in the evaluation window. */
export interface CostItem {
  name: string;
  monthlyCostUsd: number;
  throughputRps: number;
}

/** One evaluation window's detail beyond the headline metrics. */
export interface EvaluationDetail {
  latency: LatencyBucket[];
  costs: CostItem[];
}

/** A service sample during tuning, minutes from the start of tuning. */
export interface TimelinePoint {
  minute: number;
  throughputRps: number;
  p95LatencyMs: number;
  monthlyCostUsd: number;
}

/** One component's kept changes alone, applied to the untuned configuration and measured on the evaluation window. */
export interface ComponentImpact {
  component: string;
  changes: number;
  metrics: RunMetrics;
}

export interface RunDetail {
  /** "host": the per-request twin of one host; "fleet": the fluid fleet mode. */
  mode: "host" | "fleet";
  /** Length of the evaluation window, minutes. */
  evaluationMinutes: number;
  /** What a latency bucket counts: single requests (host) or VM time steps weighted by their requests (fleet). */
  latencyUnit: "request" | "vm-step";
  baseline: EvaluationDetail;
  tuned: EvaluationDetail;
  timeline: TimelinePoint[];
  /** Present when the run measured each component alone (twintune run does; sweeps do not). */
  components?: ComponentImpact[];
}

export interface HistoryEntry {
  time: number;
  component: string;
  action: string;
  knob: string;
  from: string;
  to: string;
  impactPct: number;
  success: boolean;
  rolledBack: boolean;
  reason: string;
}

export interface ConvergenceSummary {
  converged: boolean;
  atMinutes: number | null;
  windows: ConvergenceWindow[];
}

export interface RunResult {
  scenario: string;
  seed: number;
  configHash: string;
  traceHash: string;
  /** The twin's version and a hash of the hardware models the scenario used. */
  modelVersion: string;
  /** Backend time (ms) the tuning started; history times are on the same clock. */
  startTime: number;
  baseline: RunMetrics;
  tuned: RunMetrics;
  convergence: ConvergenceSummary;
  history: HistoryEntry[];
  rollbacks: number;
  finalKnobs: Record<string, KnobValue>;
  detail: RunDetail;
}

export const METRIC_KEYS = [
  "throughputRps",
  "p95LatencyMs",
  "cpuUtil",
  "memUtil",
  "monthlyCostUsd",
  "iops",
  "errorRate",
] as const;
export type MetricKey = (typeof METRIC_KEYS)[number];

/** The metrics a run of `mode` measures: the fluid fleet mode has no disks, so no IOPS. */
export function measuredMetricKeys(mode: RunDetail["mode"]): MetricKey[] {
  return METRIC_KEYS.filter((key) => mode === "host" || key !== "iops");
}

/** A share as a percentage; one decimal under 10%, where whole percents hide the change beside it. */
function utilization(share: number): string {
  const pct = share * 100;
  return `${pct < 10 ? pct.toFixed(1) : pct.toFixed(0)}%`;
}

/** How people read each metric: its label, unit, formatting, and which way is better. */
export const METRICS: Record<
  MetricKey,
  { label: string; unit: string; format: (v: number) => string; better: "up" | "down" }
> = {
  throughputRps: { label: "Throughput", unit: "req/s", format: (v) => `${grouped(v)}/s`, better: "up" },
  p95LatencyMs: { label: "P95 latency", unit: "ms", format: (v) => `${v.toFixed(1)} ms`, better: "down" },
  cpuUtil: { label: "CPU utilization", unit: "%", format: (v) => utilization(v), better: "down" },
  memUtil: { label: "Memory utilization", unit: "%", format: (v) => utilization(v), better: "down" },
  monthlyCostUsd: { label: "Monthly cost", unit: "USD", format: (v) => `$${grouped(v)}`, better: "down" },
  iops: { label: "IOPS", unit: "IO/s", format: (v) => grouped(v), better: "up" },
  errorRate: { label: "Errors", unit: "%", format: (v) => `${(v * 100).toFixed(2)}%`, better: "down" },
};

import { meanWithInterval } from "../math/batch-means.js";
import { type RunSummary, SWEEP_METRICS } from "./run-summary.js";

/** A mean with its 95% confidence interval; the interval is null with fewer than two values. */
export interface Stat {
  mean: number;
  halfWidth: number | null;
  lower: number | null;
  upper: number | null;
  n: number;
}

/** Mean and Student-t 95% interval of values taken in the order given. */
export function statOf(values: readonly number[]): Stat | null {
  if (values.length === 0) return null;
  if (values.length === 1) return { mean: values[0] as number, halfWidth: null, lower: null, upper: null, n: 1 };
  const e = meanWithInterval(values, 0.95);
  return { mean: e.mean, halfWidth: e.halfWidth, lower: e.lower, upper: e.upper, n: e.n };
}

/** One point of a sweep's grid: the values set, and the statistics of its runs. */
export interface PointAggregate {
  label: string;
  values: Record<string, string>;
  runs: number;
  seeds: number[];
  /** Each metric's statistic over the runs that have it (convergence: the runs that converged). */
  metrics: Record<string, Stat | null>;
}

/**
 * The statistics of one grid point. Runs are taken in seed order whatever order they finished
 * in, so the sums, and every figure, are the same bit for bit however the runs were scheduled.
 */
export function aggregatePoint(
  label: string,
  values: Record<string, string>,
  runs: readonly RunSummary[],
): PointAggregate {
  const ordered = [...runs].sort((a, b) => a.seed - b.seed);
  const metrics: Record<string, Stat | null> = {};
  for (const metric of SWEEP_METRICS) {
    const values_: number[] = [];
    for (const run of ordered) {
      const value = metric.value(run);
      if (value !== undefined && Number.isFinite(value)) values_.push(value);
    }
    metrics[metric.key] = statOf(values_);
  }
  return { label, values, runs: ordered.length, seeds: ordered.map((run) => run.seed), metrics };
}

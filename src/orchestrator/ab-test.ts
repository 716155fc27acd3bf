import { studentTQuantile } from "../math/student-t.js";

/** A service-level sample: one observation interval's figures, for the service and for each request-serving workload. */
export interface SloSample {
  throughputRps: number;
  p95LatencyMs: number;
  errorRate: number;
  /** Per workload (VMs serving requests): one VM's users must not pay for another's gain. */
  workloads?: Record<string, { throughputRps: number; p95LatencyMs: number }>;
}

type Metric = "throughputRps" | "p95LatencyMs" | "errorRate";

export interface MetricVerdict {
  /** Which workload, or "service" for the aggregate. */
  scope: string;
  metric: Metric;
  before: number;
  after: number;
  /** Relative change, signed so that positive is worse (lower throughput, higher latency or errors). */
  worsening: number;
  significant: boolean;
}

export interface AbVerdict {
  degraded: boolean;
  /** The largest relative improvement of a metric (positive better), for the impact record. */
  impact: number;
  metrics: MetricVerdict[];
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function variance(values: readonly number[], m = mean(values)): number {
  return values.length < 2 ? 0 : values.reduce((sum, v) => sum + (v - m) ** 2, 0) / (values.length - 1);
}

/**
 * Whether the difference of means is significant at the 5% level: a paired t-test when the
 * samples are paired (common random numbers on the twin: sample i of A and B saw the same
 * arrivals), Welch's unequal-variance t-test otherwise (before/after on a live host).
 */
export function significantDifference(a: readonly number[], b: readonly number[], paired: boolean): boolean {
  if (a.length < 2 || b.length < 2) return false;
  if (paired && a.length === b.length) {
    const d = a.map((value, i) => (b[i] as number) - value);
    const sd = Math.sqrt(variance(d));
    if (sd === 0) return mean(d) !== 0;
    const t = mean(d) / (sd / Math.sqrt(d.length));
    return Math.abs(t) > studentTQuantile(0.975, d.length - 1);
  }
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  if (se === 0) return mean(a) !== mean(b);
  const t = (mean(b) - mean(a)) / se;
  // Welch–Satterthwaite degrees of freedom.
  const df = (va + vb) ** 2 / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return Math.abs(t) > studentTQuantile(0.975, Math.max(1, Math.floor(df)));
}

/**
 * A/B verdict on the service-level metrics: degraded when any metric worsens by more than the
 * threshold and the difference is statistically significant (error rate: by more than the
 * threshold in absolute points, as rates near zero make relative changes meaningless).
 */
export function abVerdict(
  before: readonly SloSample[],
  after: readonly SloSample[],
  threshold: number,
  paired: boolean,
): AbVerdict {
  const judge = (
    scope: string,
    metric: Metric,
    pick: (s: SloSample) => number | undefined,
  ): MetricVerdict | undefined => {
    const a = before.map(pick);
    const b = after.map(pick);
    if (a.some((v) => v === undefined) || b.some((v) => v === undefined)) return undefined;
    const ma = mean(a as number[]);
    const mb = mean(b as number[]);
    let worsening: number;
    if (metric === "throughputRps") worsening = ma > 0 ? (ma - mb) / ma : 0;
    else if (metric === "p95LatencyMs") worsening = ma > 0 ? (mb - ma) / ma : 0;
    else worsening = mb - ma;
    return {
      scope,
      metric,
      before: ma,
      after: mb,
      worsening,
      significant: significantDifference(a as number[], b as number[], paired),
    };
  };
  const metrics: MetricVerdict[] = [];
  for (const metric of ["throughputRps", "p95LatencyMs", "errorRate"] as const) {
    const verdict = judge("service", metric, (s) => s[metric]);
    if (verdict !== undefined) metrics.push(verdict);
  }
  const names = Object.keys(before[0]?.workloads ?? {});
  for (const name of names) {
    for (const metric of ["throughputRps", "p95LatencyMs"] as const) {
      const verdict = judge(name, metric, (s) => s.workloads?.[name]?.[metric]);
      if (verdict !== undefined) metrics.push(verdict);
    }
  }
  const degraded = metrics.some(
    (m) => m.worsening > (m.metric === "errorRate" ? threshold / 10 : threshold) && m.significant,
  );
  const service = metrics.filter((m) => m.scope === "service" && m.metric !== "errorRate");
  const impact = Math.max(...service.map((m) => -m.worsening));
  return { degraded, impact, metrics };
}

import { studentTQuantile } from "../math/student-t.js";

/** A service-level sample: one observation interval's figures. */
export interface SloSample {
  throughputRps: number;
  p95LatencyMs: number;
  errorRate: number;
}

export interface MetricVerdict {
  metric: keyof SloSample;
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
  const metrics: MetricVerdict[] = (["throughputRps", "p95LatencyMs", "errorRate"] as const).map((metric) => {
    const a = before.map((s) => s[metric]);
    const b = after.map((s) => s[metric]);
    const ma = mean(a);
    const mb = mean(b);
    let worsening: number;
    if (metric === "throughputRps") worsening = ma > 0 ? (ma - mb) / ma : 0;
    else if (metric === "p95LatencyMs") worsening = ma > 0 ? (mb - ma) / ma : 0;
    else worsening = mb - ma;
    return { metric, before: ma, after: mb, worsening, significant: significantDifference(a, b, paired) };
  });
  const degraded = metrics.some(
    (m) => m.worsening > (m.metric === "errorRate" ? threshold / 10 : threshold) && m.significant,
  );
  const impact = Math.max(...metrics.filter((m) => m.metric !== "errorRate").map((m) => -m.worsening));
  return { degraded, impact, metrics };
}

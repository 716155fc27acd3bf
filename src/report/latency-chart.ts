import type { LatencyBucket, RunResult } from "./run-result.js";
import { axes, centeredNote, chart, layout } from "./svg/frame.js";
import { linearScale, logScale, niceDomain } from "./svg/scale.js";
import { COLORS, el, pathThrough, text } from "./svg/svg.js";

/** The q-quantile of a bucketed distribution, interpolated within its bucket on a log scale. */
export function bucketQuantile(buckets: readonly LatencyBucket[], q: number): number {
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return Number.NaN;
  const rank = q * total;
  let seen = 0;
  for (const bucket of buckets) {
    if (seen + bucket.count >= rank) {
      const within = bucket.count > 0 ? (rank - seen) / bucket.count : 0;
      if (bucket.lowMs <= 0) return bucket.highMs * within;
      return bucket.lowMs * (bucket.highMs / bucket.lowMs) ** within;
    }
    seen += bucket.count;
  }
  return buckets.at(-1)?.highMs ?? Number.NaN;
}

/** Share of the total (%) in each bucket with a positive lower bound (a log axis cannot show zero). */
function shares(buckets: readonly LatencyBucket[]): { low: number; high: number; pct: number }[] {
  const total = buckets.reduce((sum, b) => sum + b.count, 0);
  if (total === 0) return [];
  return buckets
    .filter((b) => b.lowMs > 0)
    .map((b) => ({ low: b.lowMs, high: b.highMs, pct: (b.count / total) * 100 }));
}

/** A histogram's outline as a closed step path along the x axis. */
function stepOutline(
  bars: { low: number; high: number; pct: number }[],
  x: (v: number) => number,
  y: (v: number) => number,
): [number, number][] {
  const points: [number, number][] = [];
  for (const bar of bars) {
    const last = points.at(-1);
    if (last === undefined || Math.abs(last[0] - x(bar.low)) > 0.01) {
      if (last !== undefined) points.push([last[0], y(0)]);
      points.push([x(bar.low), y(0)]);
    }
    points.push([x(bar.low), y(bar.pct)], [x(bar.high), y(bar.pct)]);
  }
  const end = points.at(-1);
  if (end !== undefined) points.push([end[0], y(0)]);
  return points;
}

/**
 * Latency before and after tuning on the same evaluation window: the share of requests in each
 * 12.5%-wide bucket on a log time axis, with each side's p95. On a fleet the unit is a VM's mean
 * latency over one time step, weighted by its requests.
 */
export function latencyChart(result: RunResult): string {
  const before = shares(result.detail.baseline.latency);
  const after = shares(result.detail.tuned.latency);
  const perRequest = result.detail.latencyUnit === "request";
  const options = {
    title: `Latency before and after tuning: ${result.scenario}`,
    subtitle: perRequest
      ? `response time of every request in the same ${result.detail.evaluationMinutes}-minute window (common random numbers)`
      : "fleet: each VM's mean latency per time step, weighted by its requests, same evaluation days",
    xTitle: perRequest ? "response time (ms, log scale)" : "mean latency of a VM step (ms, log scale)",
    yTitle: perRequest ? "share of requests (%)" : "share of requests (%)",
    legend: [
      {
        label: `before (p95 ${result.baseline.p95LatencyMs.toFixed(1)} ms)`,
        color: COLORS.before,
        kind: "box" as const,
      },
      { label: `after (p95 ${result.tuned.p95LatencyMs.toFixed(1)} ms)`, color: COLORS.after, kind: "box" as const },
      { label: "p95", color: COLORS.ink, kind: "dashed" as const },
    ],
  };
  const frame = layout(options);
  const all = [...before, ...after];
  if (all.length === 0) {
    return chart(
      options,
      frame,
      axes(frame, undefined, undefined, options),
      centeredNote(frame, "no requests were served in the evaluation window"),
    );
  }
  const low = Math.min(...all.map((b) => b.low));
  const high = Math.max(...all.map((b) => b.high));
  const x = logScale([low, high], [frame.left, frame.right]);
  const y = linearScale(niceDomain(0, Math.max(...all.map((b) => b.pct))), [frame.bottom, frame.top]);
  const plot: string[] = [];
  for (const [bars, color, name] of [
    [before, COLORS.before, "before"],
    [after, COLORS.after, "after"],
  ] as const) {
    if (bars.length === 0) continue;
    plot.push(
      el("path", {
        d: `${pathThrough(stepOutline(bars, x, y))} Z`,
        fill: color,
        "fill-opacity": 0.35,
        stroke: color,
        "stroke-width": 1.5,
        class: name,
      }),
    );
  }
  for (const [p95, color, dy] of [
    [result.baseline.p95LatencyMs, COLORS.before, 0],
    [result.tuned.p95LatencyMs, COLORS.after, 14],
  ] as const) {
    if (!(p95 >= low && p95 <= high)) continue;
    plot.push(
      el("line", {
        x1: x(p95),
        y1: frame.top,
        x2: x(p95),
        y2: frame.bottom,
        stroke: color,
        "stroke-dasharray": "5 3",
        "stroke-width": 1.5,
        class: "p95",
      }),
    );
    plot.push(el("text", { x: x(p95) + 4, y: frame.top + 12 + dy, fill: color }, text(`p95 ${p95.toFixed(1)} ms`)));
  }
  return chart(options, frame, axes(frame, x, y, options), plot.join("\n"));
}

import type { RunResult } from "./run-result.js";
import { axes, chart, crossMarker, type LegendItem, layout } from "./svg/frame.js";
import { linearScale, niceDomain } from "./svg/scale.js";
import { COLORS, el, pathThrough, text } from "./svg/svg.js";
import { timeUnit } from "./time-axis.js";

/** The orchestrator's window-by-window improvement compounded: % better than the first window, at each window's end. */
export function cumulativeImprovement(windows: RunResult["convergence"]["windows"]): [number, number][] {
  const first = windows[0];
  if (first === undefined) return [];
  const points: [number, number][] = [[first.startMin, 0]];
  let factor = 1;
  windows.forEach((window, i) => {
    if (i > 0) factor *= 1 + window.improvementPct / 100;
    points.push([window.endMin, (factor - 1) * 100]);
  });
  return points;
}

/** Each sample's service score (throughput / p95 / cost) as % above the first window's. */
function sampleImprovement(result: RunResult): [number, number][] {
  const timeline = result.detail.timeline;
  const firstEnd = result.convergence.windows[0]?.endMin ?? Number.POSITIVE_INFINITY;
  const reference = timeline.filter((p) => p.minute <= firstEnd + 1e-9);
  if (reference.length === 0) return [];
  const mean = (pick: (p: (typeof timeline)[number]) => number) =>
    reference.reduce((sum, p) => sum + pick(p), 0) / reference.length;
  const score = (thr: number, p95: number, cost: number) => thr / Math.max(p95, 1e-6) / Math.max(cost, 1e-6);
  const base = score(
    mean((p) => p.throughputRps),
    mean((p) => p.p95LatencyMs),
    mean((p) => p.monthlyCostUsd),
  );
  if (!(base > 0)) return [];
  return timeline.map((p) => [p.minute, (score(p.throughputRps, p.p95LatencyMs, p.monthlyCostUsd) / base - 1) * 100]);
}

/** The compounded improvement at `minute` (the last window ended by then). */
function valueAt(points: readonly [number, number][], minute: number): number {
  let value = 0;
  for (const [x, y] of points) if (x <= minute + 1e-9) value = y;
  return value;
}

/** Events of one action grouped by minute: [minute, count]. */
function eventMinutes(result: RunResult, action: string): [number, number][] {
  const counts = new Map<number, number>();
  for (const event of result.history) {
    if (event.action !== action) continue;
    const minute = Math.round(((event.time - result.startTime) / 60_000) * 100) / 100;
    counts.set(minute, (counts.get(minute) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => a[0] - b[0]);
}

/**
 * Improvement over time: the service score (throughput per ms of p95 latency per dollar) against
 * the first window, compounded window by window as the orchestrator judged it, each sample
 * faintly behind it, kept changes and rollbacks marked where they were decided, and the
 * convergence point.
 */
export function improvementChart(result: RunResult): string {
  const cumulative = cumulativeImprovement(result.convergence.windows);
  const samples = sampleImprovement(result);
  const kept = eventMinutes(result, "keep");
  const reverted = eventMinutes(result, "revert");
  const { converged, atMinutes } = result.convergence;
  const lastMinute = Math.max(1, ...cumulative.map((p) => p[0]), ...samples.map((p) => p[0]));
  const { perMinute, unit } = timeUnit(lastMinute);
  const legend: LegendItem[] = [
    { label: "window (compounded)", color: COLORS.after, kind: "line" },
    { label: "each sample", color: COLORS.sky, kind: "faint" },
    { label: `change kept (${kept.reduce((s, k) => s + k[1], 0)})`, color: COLORS.good, kind: "dot" },
    { label: `rollback (${reverted.reduce((s, k) => s + k[1], 0)})`, color: COLORS.bad, kind: "cross" },
  ];
  if (converged && atMinutes !== null) legend.push({ label: "converged", color: COLORS.ink, kind: "dashed" });
  const options = {
    title: `Improvement over time: ${result.scenario}, seed ${result.seed}`,
    subtitle: `service score = throughput / p95 latency / monthly cost, vs the first window; ${converged && atMinutes !== null ? `converged at ${Number((atMinutes * perMinute).toPrecision(3))} ${unit}` : "not converged"}`,
    xTitle: `simulated time (${unit})`,
    yTitle: "improvement vs first window (%)",
    legend,
  };
  const frame = layout(options);
  const ys = [0, ...cumulative.map((p) => p[1]), ...samples.map((p) => p[1])];
  const x = linearScale(niceDomain(0, lastMinute * perMinute), [frame.left, frame.right]);
  const y = linearScale(niceDomain(Math.min(...ys), Math.max(...ys)), [frame.bottom, frame.top]);
  const xAt = (minute: number) => x(minute * perMinute);
  const plot: string[] = [];
  if (samples.length > 1)
    plot.push(
      el("path", {
        d: pathThrough(samples.map(([m, v]) => [xAt(m), y(v)])),
        fill: "none",
        stroke: COLORS.sky,
        "stroke-width": 1,
        opacity: 0.6,
      }),
    );
  if (cumulative.length > 1)
    plot.push(
      el("path", {
        d: pathThrough(cumulative.map(([m, v]) => [xAt(m), y(v)])),
        fill: "none",
        stroke: COLORS.after,
        "stroke-width": 2.5,
      }),
    );
  for (const [minute, count] of kept) {
    const cy = y(valueAt(cumulative, minute));
    plot.push(el("circle", { cx: xAt(minute), cy, r: 4.5, fill: COLORS.good, class: "kept" }));
    if (count > 1)
      plot.push(el("text", { x: xAt(minute) + 6, y: cy - 6, fill: COLORS.good, "font-size": 10 }, text(`${count}`)));
  }
  for (const [minute, count] of reverted) {
    const cy = y(valueAt(cumulative, minute));
    plot.push(`<g class="rollback">${crossMarker(xAt(minute), cy, COLORS.bad)}</g>`);
    if (count > 1)
      plot.push(el("text", { x: xAt(minute) + 7, y: cy + 14, fill: COLORS.bad, "font-size": 10 }, text(`${count}`)));
  }
  if (converged && atMinutes !== null) {
    const cx = xAt(atMinutes);
    plot.push(
      el("line", {
        x1: cx,
        y1: frame.top,
        x2: cx,
        y2: frame.bottom,
        stroke: COLORS.ink,
        "stroke-dasharray": "5 3",
        "stroke-width": 1.5,
        class: "converged",
      }),
    );
    plot.push(
      el(
        "text",
        // Right of the line, or left of it when the line is near the right edge.
        cx > frame.right - 140
          ? { x: cx - 5, y: frame.top + 12, fill: COLORS.ink, "text-anchor": "end" }
          : { x: cx + 5, y: frame.top + 12, fill: COLORS.ink },
        text(`converged at ${Number((atMinutes * perMinute).toPrecision(3))} ${unit}`),
      ),
    );
  }
  const zero = y(0);
  plot.unshift(
    el("line", { x1: frame.left, y1: zero, x2: frame.right, y2: zero, stroke: COLORS.muted, "stroke-width": 1 }),
  );
  return chart(options, frame, axes(frame, x, y, options), plot.join("\n"));
}

import type { RunMetrics, RunResult } from "./run-result.js";
import { axes, centeredNote, chart, layout } from "./svg/frame.js";
import { linearScale, niceDomain } from "./svg/scale.js";
import { COLORS, el, text } from "./svg/svg.js";

const SHOWN = [
  { key: "throughputRps", label: "throughput (higher is better)", color: COLORS.after },
  { key: "p95LatencyMs", label: "p95 latency (lower is better)", color: COLORS.before },
  { key: "monthlyCostUsd", label: "monthly cost (lower is better)", color: COLORS.good },
] as const;

/** Relative change from `before` to `after`, %; 0 when the baseline is 0. */
export function changePct(before: number, after: number): number {
  return before === 0 ? 0 : ((after - before) / before) * 100;
}

/** The rows of the per-component chart: each component alone, then all of them together. */
export function componentRows(result: RunResult): { label: string; metrics: RunMetrics }[] {
  const rows = (result.detail.components ?? []).map((c) => ({
    label: `${c.component} alone (${c.changes} knob${c.changes === 1 ? "" : "s"})`,
    metrics: c.metrics,
  }));
  return [...rows, { label: "all together (tuned)", metrics: result.tuned }];
}

/**
 * Per-component impact: each component's kept changes applied alone to the untuned
 * configuration and measured on the evaluation window, beside all of them together, as the
 * change in throughput, p95 latency and cost against the untuned run.
 */
export function componentChart(result: RunResult): string {
  const rows = componentRows(result);
  const measured = result.detail.components !== undefined;
  const options = {
    title: `Impact per component: ${result.scenario}`,
    subtitle: measured
      ? "each component's kept changes alone vs untuned, same evaluation window and seed"
      : "components were not measured alone in this run",
    xTitle: "change vs untuned (%)",
    yTitle: "",
    legend: SHOWN.map((m) => ({ label: m.label, color: m.color, kind: "box" as const })),
    height: 140 + rows.length * 62,
    leftMargin: 210,
  };
  const frame = layout(options);
  if (!measured || rows.length === 1) {
    const x = linearScale([-10, 10], [frame.left, frame.right]);
    return chart(
      options,
      frame,
      axes(frame, x, undefined, options),
      centeredNote(frame, measured ? "no change was kept" : "not measured: 'twintune run' measures each component"),
    );
  }
  const values = rows.flatMap((row) => SHOWN.map((m) => changePct(result.baseline[m.key], row.metrics[m.key])));
  // Room beyond the longest bars for their labels.
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const pad = (high - low) * 0.15;
  const x = linearScale(niceDomain(low < 0 ? low - pad : 0, high > 0 ? high + pad : 0), [frame.left, frame.right]);
  const band = (frame.bottom - frame.top) / rows.length;
  const plot: string[] = [el("line", { x1: x(0), y1: frame.top, x2: x(0), y2: frame.bottom, stroke: COLORS.ink })];
  const labels: string[] = [];
  rows.forEach((row, r) => {
    const top = frame.top + r * band + band * 0.12;
    const barHeight = (band * 0.76) / SHOWN.length;
    SHOWN.forEach((metric, m) => {
      const value = changePct(result.baseline[metric.key], row.metrics[metric.key]);
      const y = top + m * barHeight;
      const x0 = Math.min(x(0), x(value));
      plot.push(
        el("rect", {
          x: x0,
          y,
          width: Math.max(0.5, Math.abs(x(value) - x(0))),
          height: barHeight - 2,
          fill: metric.color,
          "fill-opacity": 0.8,
          class: `bar ${metric.key}`,
        }),
      );
      const anchor = value >= 0 ? "start" : "end";
      plot.push(
        el(
          "text",
          {
            x: x(value) + (value >= 0 ? 4 : -4),
            y: y + barHeight / 2 + 3,
            "text-anchor": anchor,
            "font-size": 10,
            fill: COLORS.ink,
          },
          text(`${value >= 0 ? "+" : ""}${value.toFixed(1)}%`),
        ),
      );
    });
    labels.push(
      el(
        "text",
        { x: frame.left - 8, y: top + band * 0.38 + 4, "text-anchor": "end", fill: COLORS.ink },
        text(row.label),
      ),
    );
  });
  return chart(options, frame, `${axes(frame, x, undefined, options)}\n${labels.join("\n")}`, plot.join("\n"));
}

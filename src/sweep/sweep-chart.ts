import { axes, type Frame, type FrameOptions } from "../report/svg/frame.js";
import { linearScale, niceDomain } from "../report/svg/scale.js";
import { COLORS, el, svgDocument, text } from "../report/svg/svg.js";
import type { PointAggregate, Stat } from "./aggregate.js";
import { SWEEP_METRICS } from "./run-summary.js";

const PANELS = [
  "scoreChangePct",
  "throughputChangePct",
  "p95ChangePct",
  "costChangePct",
  "errorRatePct",
  "rollbacks",
] as const;
const PANEL_WIDTH = 440;
const PANEL_HEIGHT = 300;

function panel(
  points: readonly PointAggregate[],
  key: string,
  originX: number,
  originY: number,
  xTitle: string,
): string {
  const metric = SWEEP_METRICS.find((m) => m.key === key);
  const stats = points.map((p) => p.metrics[key] ?? null);
  const ys = stats.flatMap((s) => (s === null ? [] : [s.mean, s.lower ?? s.mean, s.upper ?? s.mean]));
  const frame: Frame = {
    width: PANEL_WIDTH,
    height: originY + PANEL_HEIGHT,
    left: originX + 64,
    right: originX + PANEL_WIDTH - 16,
    top: originY + 34,
    bottom: originY + PANEL_HEIGHT - 70,
  };
  const options: FrameOptions = {
    title: "",
    xTitle,
    yTitle: `${metric?.label ?? key} (${metric?.unit ?? ""})`,
    legend: [],
  };
  const y = linearScale(niceDomain(Math.min(0, ...ys), Math.max(0, ...ys)), [frame.bottom, frame.top]);
  const band = (frame.right - frame.left) / Math.max(1, points.length);
  const parts: string[] = [
    el(
      "text",
      { x: frame.left, y: originY + 18, "font-weight": "bold", fill: COLORS.ink },
      text(
        `${metric?.label ?? key}${metric?.better === undefined ? "" : metric.better === "up" ? " (higher is better)" : " (lower is better)"}`,
      ),
    ),
    el("line", { x1: frame.left, y1: y(0), x2: frame.right, y2: y(0), stroke: COLORS.muted }),
  ];
  // Axes without the document-level titles: the y title rotated beside this panel.
  parts.push(axes(frame, undefined, y, { ...options, yTitleX: originX + 16 }));
  points.forEach((point, i) => {
    const cx = frame.left + band * (i + 0.5);
    const stat: Stat | null = stats[i] ?? null;
    const rotate = points.length > 4;
    parts.push(
      el(
        "text",
        {
          x: cx,
          y: frame.bottom + 16,
          "text-anchor": rotate ? "end" : "middle",
          "font-size": 11,
          fill: COLORS.ink,
          ...(rotate ? { transform: `rotate(-30 ${Math.round(cx)} ${Math.round(frame.bottom + 16)})` } : {}),
        },
        text(Object.values(point.values).join(", ") || point.label),
      ),
    );
    if (stat === null) return;
    if (stat.lower !== null && stat.upper !== null) {
      parts.push(
        el("line", {
          x1: cx,
          y1: y(stat.lower),
          x2: cx,
          y2: y(stat.upper),
          stroke: COLORS.after,
          "stroke-width": 2,
          class: "ci",
        }),
      );
      for (const end of [stat.lower, stat.upper])
        parts.push(
          el("line", { x1: cx - 8, y1: y(end), x2: cx + 8, y2: y(end), stroke: COLORS.after, "stroke-width": 2 }),
        );
    }
    parts.push(
      el(
        "circle",
        { cx, cy: y(stat.mean), r: 5, fill: COLORS.after, class: "mean" },
        el(
          "title",
          {},
          text(
            `${point.label}: ${stat.mean.toFixed(3)}${stat.halfWidth === null ? "" : ` ± ${stat.halfWidth.toFixed(3)}`} (n=${stat.n})`,
          ),
        ),
      ),
    );
  });
  return parts.join("\n");
}

/**
 * The sweep's chart: for each grid point, the mean change (tuned vs untuned, %) of the service
 * score, throughput, p95 latency and cost over its seeds, the errors after tuning and the
 * rollbacks, with 95% confidence intervals.
 */
export function sweepChart(
  scenario: string,
  points: readonly PointAggregate[],
  axisKeys: readonly string[],
  seeds: number,
): string {
  const width = PANEL_WIDTH * 2;
  const height = PANEL_HEIGHT * (PANELS.length / 2) + 70;
  const xTitle = axisKeys.length === 0 ? "scenario as written" : axisKeys.join(", ");
  const body = [
    el(
      "text",
      { x: 16, y: 24, "font-size": 16, "font-weight": "bold", fill: COLORS.ink },
      text(`Sweep: ${scenario}, ${seeds} seed${seeds === 1 ? "" : "s"} per point`),
    ),
    el(
      "text",
      { x: 16, y: 44, fill: COLORS.muted },
      text(`tuned vs untuned on each seed; dot = mean, bar = 95% confidence interval (Student t); x: ${xTitle}`),
    ),
    ...PANELS.map((key, i) => panel(points, key, (i % 2) * PANEL_WIDTH, 60 + Math.floor(i / 2) * PANEL_HEIGHT, xTitle)),
  ].join("\n");
  return svgDocument(width, height, `Sweep of ${scenario}`, body);
}

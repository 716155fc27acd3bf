import type { CostItem, RunResult } from "./run-result.js";
import { axes, chart, type LegendItem, layout } from "./svg/frame.js";
import { linearScale, niceDomain } from "./svg/scale.js";
import { COLORS, el, PALETTE, text } from "./svg/svg.js";

const SECONDS_PER_MONTH = 730 * 3600;
const MAX_SEGMENTS = 10;

/** Cost items folded to at most MAX_SEGMENTS names: the dearest (over both sides) kept, the rest as "others". */
export function costSegments(before: readonly CostItem[], after: readonly CostItem[]): string[] {
  const totals = new Map<string, number>();
  for (const item of [...before, ...after]) totals.set(item.name, (totals.get(item.name) ?? 0) + item.monthlyCostUsd);
  const names = [...totals.keys()];
  if (names.length <= MAX_SEGMENTS) return names;
  const dearest = [...names].sort(
    (a, b) => (totals.get(b) as number) - (totals.get(a) as number) || a.localeCompare(b),
  );
  const kept = new Set(dearest.slice(0, MAX_SEGMENTS - 1));
  return [...names.filter((name) => kept.has(name)), "others"];
}

function byName(items: readonly CostItem[], segments: readonly string[]): Map<string, number> {
  const out = new Map<string, number>(segments.map((name) => [name, 0]));
  for (const item of items) {
    const key = out.has(item.name) ? item.name : "others";
    out.set(key, (out.get(key) ?? 0) + item.monthlyCostUsd);
  }
  return out;
}

/** Dollars per million requests served, at the monthly cost and the window's throughput. */
export function costPerMillion(monthlyCostUsd: number, throughputRps: number): number {
  return throughputRps > 0 ? monthlyCostUsd / ((throughputRps * SECONDS_PER_MONTH) / 1e6) : Number.NaN;
}

/** Monthly cost before and after as two stacked bars, a segment per VM (or group), with the cost per million requests. */
export function costChart(result: RunResult): string {
  const { baseline, tuned } = result.detail;
  const segments = costSegments(baseline.costs, tuned.costs);
  const color = (i: number) => PALETTE[i % PALETTE.length] as string;
  const legend: LegendItem[] = segments.map((name, i) => ({ label: name, color: color(i), kind: "box" }));
  const options = {
    title: `Cost before and after tuning: ${result.scenario}`,
    subtitle: `monthly cost (730 h) by ${result.detail.mode === "fleet" ? "group of VMs" : "VM"}; cost per million requests at the evaluation window's throughput`,
    xTitle: "monthly cost (USD)",
    yTitle: "",
    legend,
    height: 300 + Math.ceil(segments.length / 4) * 18,
    leftMargin: 72,
  };
  const frame = layout(options);
  const rows = [
    { label: "before", metrics: result.baseline, items: byName(baseline.costs, segments) },
    { label: "after", metrics: result.tuned, items: byName(tuned.costs, segments) },
  ];
  const totals = rows.map((row) => [...row.items.values()].reduce((a, b) => a + b, 0));
  const x = linearScale(niceDomain(0, Math.max(1, ...totals) * 1.25), [frame.left, frame.right]);
  const band = (frame.bottom - frame.top) / rows.length;
  const plot: string[] = [];
  const labels: string[] = [];
  rows.forEach((row, r) => {
    const top = frame.top + r * band + band * 0.2;
    const height = band * 0.6;
    let start = 0;
    segments.forEach((name, i) => {
      const value = row.items.get(name) ?? 0;
      if (value <= 0) return;
      plot.push(
        el(
          "rect",
          {
            x: x(start),
            y: top,
            width: Math.max(0.5, x(start + value) - x(start)),
            height,
            fill: color(i),
            "fill-opacity": 0.8,
            stroke: "#ffffff",
            class: `segment ${row.label}`,
          },
          el("title", {}, text(`${row.label}: ${name} $${value.toFixed(2)}/month`)),
        ),
      );
      start += value;
    });
    const perMillion = costPerMillion(totals[r] as number, row.metrics.throughputRps);
    const note = `$${(totals[r] as number).toFixed(0)}/month${Number.isFinite(perMillion) ? `, $${perMillion.toFixed(2)} per million requests` : ""}`;
    labels.push(el("text", { x: frame.left + 4, y: top + height + 15, fill: COLORS.ink, class: "total" }, text(note)));
    labels.push(
      el(
        "text",
        { x: frame.left - 8, y: top + height / 2 + 4, "text-anchor": "end", fill: COLORS.ink, "font-weight": "bold" },
        text(row.label),
      ),
    );
  });
  return chart(options, frame, `${axes(frame, x, undefined, options)}\n${labels.join("\n")}`, plot.join("\n"));
}

import { grouped } from "../number-text.js";
import { markdownCode } from "../report/markdown-code.js";
import { markdownTable } from "../report/markdown-table.js";
import type { PointAggregate, Stat } from "./aggregate.js";
import { SWEEP_METRICS } from "./run-summary.js";

/** "12.3 ± 1.4", or "12.3 (n=1)" without an interval, or "–" when no run had the figure. */
export function formatStat(stat: Stat | null | undefined, digits = 2): string {
  if (stat === null || stat === undefined) return "–";
  const mean = grouped(stat.mean, digits);
  return stat.halfWidth === null ? `${mean} (n=1)` : `${mean} ± ${grouped(stat.halfWidth, digits)}`;
}

/** The columns a sweep table shows (all metrics are in sweep.json). */
export const TABLE_METRICS = [
  "scoreChangePct",
  "throughputChangePct",
  "p95ChangePct",
  "costChangePct",
  "errorRatePct",
  "convergenceMinutes",
  "rollbacks",
] as const;

export function tableHeaders(): string[] {
  return [
    "Point",
    "Runs",
    ...TABLE_METRICS.map((key) => {
      const metric = SWEEP_METRICS.find((m) => m.key === key);
      return `${metric?.label ?? key}${metric?.unit ? ` (${metric.unit})` : ""}`;
    }),
  ];
}

export function tableRows(points: readonly PointAggregate[]): string[][] {
  return points.map((point) => [
    point.label,
    String(point.runs),
    ...TABLE_METRICS.map((key) => {
      const stat = point.metrics[key];
      const digits = key === "rollbacks" ? 1 : 2;
      // A figure only some runs have (a convergence time where a run never converged) says how many.
      if (stat === null || stat === undefined || stat.n >= point.runs) return formatStat(stat, digits);
      const shown = stat.halfWidth === null ? grouped(stat.mean, digits) : formatStat(stat, digits);
      return `${shown} (${stat.n} of ${point.runs})`;
    }),
  ]);
}

/** summary.md of a sweep: what ran, the table of means with 95% intervals, the chart. */
export function sweepMarkdown(
  scenario: string,
  file: string,
  command: string,
  seeds: readonly number[],
  points: readonly PointAggregate[],
): string {
  const seedText = seeds.length > 6 ? `${seeds[0]}…${seeds.at(-1)} (${seeds.length})` : seeds.join(", ");
  return [
    `# twintune sweep: ${scenario}`,
    "",
    `Scenario ${markdownCode(file)}, seeds ${seedText}, ${points.length} point${points.length === 1 ? "" : "s"}. Reproduce with ${markdownCode(command)}.`,
    "",
    "Each cell is the mean over the point's seeds with its 95% confidence interval (Student t), of the tuned run against the untuned one on the same seed. Convergence counts only the runs that converged. Every run's figures are in runs/; sweep.json has every metric.",
    "",
    markdownTable(tableHeaders(), tableRows(points), [1, 2, 3, 4, 5, 6, 7, 8]),
    "![Sweep](sweep.svg)",
    "",
  ].join("\n");
}

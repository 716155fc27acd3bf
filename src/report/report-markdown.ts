import { costPerMillion } from "./cost-chart.js";
import { bucketQuantile } from "./latency-chart.js";
import { markdownCode } from "./markdown-code.js";
import { markdownTable, percentChange } from "./markdown-table.js";
import { METRICS, measuredMetricKeys, type RunResult } from "./run-result.js";
import { formatMinutes } from "./time-axis.js";

/** Where the report's charts are, by file name. */
export const CHART_FILES = {
  improvement: "improvement.svg",
  latency: "latency.svg",
  cost: "cost.svg",
  components: "components.svg",
} as const;

export interface ReportContext {
  /** The scenario file as the user named it. */
  file: string;
  /** The command that reproduces the run. */
  command: string;
}

function beforeAfter(result: RunResult): string {
  return markdownTable(
    ["Metric", "Before", "After", "Change"],
    measuredMetricKeys(result.detail.mode).map((key) => {
      const m = METRICS[key];
      return [
        m.label,
        m.format(result.baseline[key]),
        m.format(result.tuned[key]),
        percentChange(result.baseline[key], result.tuned[key], 0),
      ];
    }),
    [1, 2, 3],
  );
}

function convergence(result: RunResult): string {
  const { windows, converged, atMinutes } = result.convergence;
  const head =
    converged && atMinutes !== null ? `Converged at ${formatMinutes(atMinutes)}.` : "Did not converge within the run.";
  const rows = windows.map((w) => [
    result.detail.mode === "fleet" ? `day ${w.startMin / 1440}-${w.endMin / 1440}` : `${w.startMin}-${w.endMin} min`,
    `${w.improvementPct >= 0 ? "+" : ""}${w.improvementPct.toFixed(1)}%`,
  ]);
  return `${head}\n\n${markdownTable(["Window", "Improvement"], rows, [1])}`;
}

function changes(result: RunResult): string {
  const decided = result.history.filter((e) => e.action === "keep" || e.action === "revert");
  if (decided.length === 0) return "No change was applied.\n";
  if (decided.length > 40) {
    const groups = new Map<string, { kept: number; reverted: number }>();
    for (const e of decided) {
      const group = groups.get(e.component) ?? { kept: 0, reverted: 0 };
      if (e.rolledBack) group.reverted++;
      else group.kept++;
      groups.set(e.component, group);
    }
    const rows = [...groups].map(([component, g]) => [component, String(g.kept), String(g.reverted)]);
    return `${decided.length} decisions, by component (results.json lists each):\n\n${markdownTable(["Component", "Kept", "Reverted"], rows, [1, 2])}`;
  }
  return markdownTable(
    ["Minute", "Component", "Knob", "To", "Verdict", "Impact", "Reason"],
    decided.map((e) => [
      ((e.time - result.startTime) / 60_000).toFixed(0),
      e.component,
      `\`${e.knob}\``,
      e.to.length > 40 ? `${e.to.slice(0, 37)}...` : e.to,
      e.rolledBack ? "reverted" : "kept",
      `${e.impactPct >= 0 ? "+" : ""}${e.impactPct.toFixed(1)}%`,
      e.reason,
    ]),
    [0, 5],
  );
}

function latency(result: RunResult): string {
  const rows = [0.5, 0.95, 0.99].map((q) => {
    const before = bucketQuantile(result.detail.baseline.latency, q);
    const after = bucketQuantile(result.detail.tuned.latency, q);
    return [`p${q * 100}`, `${before.toFixed(2)} ms`, `${after.toFixed(2)} ms`, percentChange(before, after)];
  });
  const note =
    result.detail.latencyUnit === "request"
      ? "Percentiles of every request's response time in the evaluation window, from the histogram (buckets 12.5% wide), so they differ from the exact p95 of the table above by up to half a bucket."
      : "Fleet mode: percentiles of each VM's mean latency per time step, weighted by its requests.";
  return `${note}\n\n${markdownTable(["Percentile", "Before", "After", "Change"], rows, [1, 2, 3])}`;
}

function cost(result: RunResult): string {
  const before = costPerMillion(result.baseline.monthlyCostUsd, result.baseline.throughputRps);
  const after = costPerMillion(result.tuned.monthlyCostUsd, result.tuned.throughputRps);
  const usd = (v: number) => (Number.isFinite(v) ? `$${v.toFixed(2)}` : "n/a");
  return markdownTable(
    ["", "Before", "After", "Change"],
    [
      [
        "Monthly cost",
        usd(result.baseline.monthlyCostUsd),
        usd(result.tuned.monthlyCostUsd),
        percentChange(result.baseline.monthlyCostUsd, result.tuned.monthlyCostUsd),
      ],
      ["Per million requests", usd(before), usd(after), percentChange(before, after)],
    ],
    [1, 2, 3],
  );
}

function components(result: RunResult): string {
  const measured = result.detail.components;
  if (measured === undefined) return "Not measured in this run.\n";
  if (measured.length === 0) return "No change was kept, so no component had an impact.\n";
  const rows = [
    ...measured.map((c) => ({ label: `${c.component} alone`, knobs: String(c.changes), m: c.metrics })),
    { label: "all together", knobs: "", m: result.tuned },
  ];
  return markdownTable(
    ["Configuration", "Knobs", "Throughput", "P95 latency", "Monthly cost"],
    rows.map((r) => [
      r.label,
      r.knobs,
      percentChange(result.baseline.throughputRps, r.m.throughputRps),
      percentChange(result.baseline.p95LatencyMs, r.m.p95LatencyMs),
      percentChange(result.baseline.monthlyCostUsd, r.m.monthlyCostUsd),
    ]),
    [1, 2, 3, 4],
  );
}

/** The report's Markdown: what ran, before/after, convergence, changes, and the charts beside it. */
export function reportMarkdown(result: RunResult, context: ReportContext): string {
  const mode = result.detail.mode === "host" ? "per-request twin of one host" : "fluid fleet mode";
  return [
    `# twintune report: ${result.scenario}`,
    "",
    `Scenario ${markdownCode(context.file)} on the ${mode}, seed ${result.seed}. Config hash \`${result.configHash}\`, model version \`${result.modelVersion}\`, trace hash \`${result.traceHash}\`. Reproduce with ${markdownCode(context.command)}.`,
    "",
    `## Before vs after (the same ${formatMinutes(result.detail.evaluationMinutes)} evaluation window, common random numbers)`,
    "",
    beforeAfter(result),
    `![Improvement over time](${CHART_FILES.improvement})`,
    "",
    "## Convergence",
    "",
    convergence(result),
    `## Changes (${result.history.filter((e) => e.action === "keep").length} kept, ${result.rollbacks} reverted)`,
    "",
    changes(result),
    "## Latency",
    "",
    latency(result),
    `![Latency before and after](${CHART_FILES.latency})`,
    "",
    "## Cost",
    "",
    cost(result),
    `![Cost before and after](${CHART_FILES.cost})`,
    "",
    "## Impact per component",
    "",
    "Each component's kept changes applied alone to the untuned configuration, measured on the same window and seed; the parts need not add up to the whole, because components interact.",
    "",
    components(result),
    `![Impact per component](${CHART_FILES.components})`,
    "",
  ].join("\n");
}

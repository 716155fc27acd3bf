import type { InstanceType } from "../../catalog/instance-type.js";
import type { Recommendation } from "../../tuners/rightsize/recommendation.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { CliIO } from "../io.js";
import { share, usd } from "../money.js";
import { compareWithTruth, renderCompare } from "../rightsize-compare.js";
import { loadSizingInputs, SIZING_HELP, SIZING_OPTIONS } from "../sizing-inputs.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune rightsize TRACE.csv [--catalog FILE] [--policy NAME] [--horizon 7d] [--skip-bad-rows] [--json]
       twintune rightsize --compare TRUTH.json TRACE.csv [options]

Recommends an instance type for every VM of a trace: the cheapest catalog type that keeps the
policy's targets (balanced: P95 CPU at most 80% of the vCPUs, peak memory at most 85%) over the
horizon with 90% confidence, trends extrapolated, never with less memory than the observed
peak plus 5%. Actions: downsize, upsize, maintain, terminate (idle VMs) or insufficient-data
(under 24 h or 100 samples). The trace format is in README.md ("Trace CSV").

With --compare, also scores the recommendations against a truth.json from 'twintune fleet
generate', side by side with VPA, KRR and AWS Compute Optimizer on the same data.

Options:
${SIZING_HELP}
  --compare TRUTH   score against TRUTH.json (accuracy, under-provisioning, savings per method)
  -h, --help        show this help
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "rightsize",
    args,
    { ...SIZING_OPTIONS, compare: { type: "string" } },
    { min: 1, max: 1 },
  );
  const trace = positionals[0] as string;
  const { catalog, sizer } = loadSizingInputs(io, "rightsize", {
    trace,
    catalog: values.catalog,
    policy: values.policy,
    horizon: values.horizon,
    skipBadRows: values["skip-bad-rows"],
  });
  const recommendations = sizer.recommend();
  const current = recommendations.reduce(
    (sum, rec) => sum + catalog.monthlyUsd(catalog.get(rec.from) as InstanceType),
    0,
  );
  const saved = recommendations.reduce((sum, rec) => sum + rec.monthlySavingsUsd, 0);
  const summary = {
    vms: recommendations.length,
    currentMonthlyUsd: round(current),
    recommendedMonthlyUsd: round(current - saved),
    savingsPercent: current > 0 ? round((saved / current) * 100) : 0,
  };
  const compare =
    values.compare === undefined ? undefined : compareWithTruth(io, values.compare, sizer, recommendations);
  if (values.json) {
    const out = {
      recommendations: recommendations.map(({ vm, action, from, to, confidence, monthlySavingsUsd, reasons }) => ({
        vm,
        action,
        from,
        to,
        confidence: round(confidence, 4),
        monthlySavingsUsd: round(monthlySavingsUsd),
        reasons,
      })),
      summary,
      ...(compare !== undefined && { compare }),
    };
    io.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  io.stdout.write(renderRecommendations(recommendations));
  io.stdout.write(`\n${summaryLine(recommendations)}\n`);
  io.stdout.write(
    `on-demand cost ${usd(current)}/month now, ${usd(current - saved)}/month recommended (${share(current > 0 ? Math.abs(saved) / current : 0)} ${saved >= 0 ? "less" : "more"})\n`,
  );
  if (compare !== undefined) io.stdout.write(`\n${renderCompare(compare)}`);
  return 0;
}

function renderRecommendations(recommendations: readonly Recommendation[]): string {
  return renderTable(
    ["vm", "action", "from", "to", "confidence", "saves/month", "why"],
    recommendations.map((rec) => [
      rec.vm,
      rec.action,
      rec.from,
      rec.to,
      rec.action === "insufficient-data" ? "-" : share(rec.confidence, 0),
      usd(rec.monthlySavingsUsd),
      why(rec),
    ]),
  );
}

/**
 * The reason that explains the action best: what was observed, or for an upsize what forced it
 * (a ceiling, an OOM kill, a trend). --json has them all.
 */
function why(rec: Recommendation): string {
  if (rec.action === "upsize") {
    const cause = rec.reasons.find((reason) => /ceiling|OOM|trend \+/.test(reason));
    return cause ?? rec.reasons.at(-1) ?? "";
  }
  const kept = rec.reasons.find((reason) => reason.startsWith("keeps ") || reason.includes("below the 10% minimum"));
  return kept ?? rec.reasons[0] ?? "";
}

function summaryLine(recommendations: readonly Recommendation[]): string {
  const counts = new Map<string, number>();
  for (const rec of recommendations) counts.set(rec.action, (counts.get(rec.action) ?? 0) + 1);
  const parts = ["downsize", "upsize", "maintain", "terminate", "insufficient-data"]
    .filter((action) => counts.has(action))
    .map((action) => `${counts.get(action)} ${action}`);
  return `${recommendations.length} VMs: ${parts.join(", ")}`;
}

function round(value: number, digits = 2): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export const rightsizeCommand: Command = { usage: USAGE, run };

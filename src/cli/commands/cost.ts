import { type CostForecast, forecastCosts } from "../../tuners/cost/cost-forecast.js";
import { type CostPlan, planCosts } from "../../tuners/cost/cost-plan.js";
import { parseCommandArgs } from "../args.js";
import type { Command } from "../command.js";
import type { CliIO } from "../io.js";
import { share, usd } from "../money.js";
import { loadSizingInputs, SIZING_HELP, SIZING_OPTIONS } from "../sizing-inputs.js";
import { renderTable } from "../table.js";

const USAGE = `Usage: twintune cost TRACE.csv [--catalog FILE] [--policy NAME] [--horizon 7d] [--pareto] [--skip-bad-rows]
                     [--json]

The cost plan for the VMs of a trace, step by step: right-size (the 'twintune rightsize'
recommendation; idle VMs terminated), spot for VMs tagged interruptible, then a 1-year
reservation or savings plan, whichever is cheaper, for VMs that keep their type and run
steadily around the clock. Then the next 30 days' cost per VM and for the fleet, from a
least-squares fit of each VM's demand on trend plus daily and weekly seasonality, with a 95%
prediction interval. Per VM, the Pareto options trade monthly cost against performance risk
(the share of the horizon above the policy's targets; 1 for an OOM; spot adds its interruption
rate). A plan's type must also hold with the right-sizer's 90% confidence, which counts the
forecast's uncertainty: a cheaper option of risk 0 may fall short of it. A resized VM bound for
spot gets the type cheapest at spot prices. Prices are the catalog's; a month is its
hoursPerMonth (730 by default).

Options:
${SIZING_HELP}
  --pareto          also print each VM's Pareto options (always in --json)
  -h, --help        show this help
`;

async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    "cost",
    args,
    { ...SIZING_OPTIONS, pareto: { type: "boolean", default: false } },
    { min: 1, max: 1 },
  );
  const { sizer } = loadSizingInputs(io, "cost", {
    trace: positionals[0] as string,
    catalog: values.catalog,
    policy: values.policy,
    horizon: values.horizon,
    skipBadRows: values["skip-bad-rows"],
  });
  const plan = planCosts(sizer);
  const forecast = await forecastCosts(sizer, plan);
  if (values.json) {
    io.stdout.write(
      `${JSON.stringify({ plan, forecast }, (_, v) => (typeof v === "number" ? Math.round(v * 10_000) / 10_000 : v), 2)}\n`,
    );
    return 0;
  }
  io.stdout.write(renderPlan(plan));
  io.stdout.write(`\n${renderTotals(plan, forecast)}`);
  if (values.pareto) io.stdout.write(`\n${renderPareto(plan)}`);
  return 0;
}

function renderPlan(plan: CostPlan): string {
  return renderTable(
    ["vm", "action", "from", "plan", "pricing", "now/month", "plan/month", "why"],
    plan.vms.map((vm) => [
      vm.vm,
      vm.action,
      vm.from,
      vm.pricing === "terminated" ? "-" : vm.to,
      vm.pricing,
      usd(vm.currentMonthlyUsd),
      usd(vm.planMonthlyUsd),
      vm.reasons.at(-1) ?? "",
    ]),
  );
}

function renderTotals(plan: CostPlan, forecast: CostForecast): string {
  const t = plan.totals;
  // Savings read as the cost going down (-$X, X%); a step or plan that costs more says "more".
  const part = (amount: number) => share(t.currentMonthlyUsd > 0 ? Math.abs(amount) / t.currentMonthlyUsd : 0, 0);
  const line = (label: string, step: { vms: number; usd: number }) =>
    `  ${label.replace("#", String(step.vms)).padEnd(28)} ${step.usd >= 0 ? "-" : "+"}${usd(Math.abs(step.usd))}/month (${part(step.usd)}${step.usd >= 0 ? "" : " more"})`;
  const lines = [`Current: ${t.vms} VMs on demand = ${usd(t.currentMonthlyUsd)}/month`];
  let n = 1;
  lines.push(line(`${n++}. Right-size # VMs:`, t.rightSize));
  if (t.terminate.vms > 0) lines.push(line(`${n++}. Terminate # idle VMs:`, t.terminate));
  lines.push(line(`${n++}. Spot for # VMs:`, t.spot));
  lines.push(line(`${n++}. Commit for # VMs:`, t.commitment));
  lines.push(
    t.savingsUsd >= 0
      ? `Total savings: ${usd(t.savingsUsd)}/month (${part(t.savingsUsd)}); plan cost ${usd(t.planMonthlyUsd)}/month`
      : `Total: the plan costs ${usd(-t.savingsUsd)}/month more (${part(t.savingsUsd)} more); plan cost ${usd(t.planMonthlyUsd)}/month`,
  );
  const c = forecast.fleet.costUsd;
  const upsizing = forecast.vms.filter((vm) => vm.upsizeDay !== undefined).length;
  lines.push(
    `Next ${forecast.days} days: ${usd(c.expected)} expected (95% interval ${usd(c.low)} to ${usd(c.high)})${upsizing > 0 ? `; ${upsizing} growing VMs outgrow their planned type within it` : ""}`,
  );
  return `${lines.join("\n")}\n`;
}

function renderPareto(plan: CostPlan): string {
  const rows: string[][] = [];
  for (const vm of plan.vms)
    for (const option of vm.pareto)
      rows.push([vm.vm, option.type, option.pricing, usd(option.monthlyUsd), option.risk.toFixed(3)]);
  return `Pareto options (cost against performance risk):\n${renderTable(["vm", "type", "pricing", "monthly", "risk"], rows)}`;
}

export const costCommand: Command = { usage: USAGE, run };

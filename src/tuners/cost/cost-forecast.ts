import type { InstanceType } from "../../catalog/instance-type.js";
import { LeastSquaresDesign, loadMathJs } from "../../math/least-squares.js";
import { studentTQuantile } from "../../math/student-t.js";
import type { RightSizer } from "../rightsize/right-sizer.js";
import { chooseType, type Needs } from "../rightsize/type-choice.js";
import type { CostPlan, VmCostPlan } from "./cost-plan.js";
import { hourlySeries } from "./hourly-series.js";
import { hourlyPrice } from "./pricing.js";
import { meanRegressors, regressors, type SeasonalTerms, termsFor } from "./seasonal-design.js";

const DAY = 86_400;

/** An estimate with its prediction interval. */
export interface Interval {
  expected: number;
  low: number;
  high: number;
}

export interface VmCostForecast {
  vm: string;
  /** USD over the forecast days under the plan, with the interval from the demand's. */
  costUsd: Interval;
  /** Mean CPU demand (cores) and memory peak level (GiB) over the forecast days. */
  cpuCores: Interval;
  memGiB: Interval;
  /** First day (0-based) on which the expected demand outgrows the plan's type, if any. */
  upsizeDay?: number;
  method: "regression" | "flat";
}

export interface CostForecast {
  days: number;
  /** Coverage of the intervals (0.95). */
  level: number;
  vms: VmCostForecast[];
  /** Sums over VMs; the interval adds the VMs' bounds (as if their errors moved together: wide, never too narrow). */
  fleet: { costUsd: Interval };
}

/** A design and what every VM on it shares: the regressors of each future day, of the last day and of the whole period. */
interface SharedDesign {
  design: LeastSquaresDesign;
  terms: SeasonalTerms;
  days: { x: number[]; leverage: number }[];
  now: number[];
  period: { x: number[]; leverage: number };
}

/**
 * The cost of the next `days` days per VM and for the fleet. Each VM's hourly CPU demand (mean)
 * and memory (peak) over its window are fitted by least squares on trend plus daily and weekly
 * seasonality (mathjs for the linear algebra; VMs observed over the same hours share one design).
 * Within the right-sizer's horizon the plan's type holds by construction; beyond it the needs
 * scale with the fitted level relative to the horizon's end, and a day whose needs outgrow the
 * plan's type is billed at the type they need. The interval comes from the 95% prediction
 * interval of each day's mean demand.
 */
export async function forecastCosts(sizer: RightSizer, plan: CostPlan, days = 30): Promise<CostForecast> {
  await loadMathJs();
  const designs = new Map<string, SharedDesign>();
  const vms: VmCostForecast[] = [];
  for (const vmPlan of plan.vms) vms.push(await forecastVm(sizer, vmPlan, days, designs));
  const sum = (pick: (i: Interval) => number) => vms.reduce((total, vm) => total + pick(vm.costUsd), 0);
  return {
    days,
    level: 0.95,
    vms,
    fleet: { costUsd: { expected: sum((i) => i.expected), low: sum((i) => i.low), high: sum((i) => i.high) } },
  };
}

async function forecastVm(
  sizer: RightSizer,
  vmPlan: VmCostPlan,
  days: number,
  designs: Map<string, SharedDesign>,
): Promise<VmCostForecast> {
  const { catalog } = sizer;
  const planType = catalog.get(vmPlan.to) as InstanceType;
  const flatCost = vmPlan.planMonthlyUsd * ((days * 24) / catalog.hoursPerMonth);
  const flat = (cpu: Interval, mem: Interval): VmCostForecast => ({
    vm: vmPlan.vm,
    costUsd: { expected: flatCost, low: flatCost, high: flatCost },
    cpuCores: cpu,
    memGiB: mem,
    method: "flat",
  });
  const none = { expected: 0, low: 0, high: 0 };
  const history = sizer.history(vmPlan.vm);
  const forecast = sizer.forecast(vmPlan.vm);
  if (history === undefined || forecast === undefined) return flat(none, none);
  const series = hourlySeries(history, forecast.from);
  const terms = termsFor(series.span / 24);
  const columns = regressors(0, terms).length;
  if (series.times.length < columns + 3) return flat(none, none);
  const shared = await sharedDesign(designs, series.key, series.times, terms, days);
  const { design } = shared;
  const t = studentTQuantile(0.975, design.rows - columns);
  const fits = [design.fit(series.cpu), design.fit(series.mem)];
  const dot = (x: number[], beta: number[]) => x.reduce((sum, value, j) => sum + value * (beta[j] as number), 0);
  // Daily growth factors (expected, low, high) relative to the last observed day, per resource.
  const growth = fits.map((fit) => {
    const now = dot(shared.now, fit.beta);
    return shared.days.map(({ x, leverage }) => {
      const mean = dot(x, fit.beta);
      const half = t * Math.sqrt(fit.residualVariance * (leverage + 1 / 24));
      const ratio = (v: number) => (now > 0 ? Math.max(0, v / now) : 1);
      return { expected: ratio(mean), low: ratio(mean - half), high: ratio(mean + half) };
    });
  }) as [Interval[], Interval[]];
  const period = fits.map((fit) => {
    const mean = dot(shared.period.x, fit.beta);
    const half = t * Math.sqrt(fit.residualVariance * (shared.period.leverage + 1 / (24 * days)));
    return { expected: Math.max(0, mean), low: Math.max(0, mean - half), high: Math.max(0, mean + half) };
  }) as [Interval, Interval];
  if (vmPlan.pricing === "terminated")
    return { vm: vmPlan.vm, costUsd: none, cpuCores: period[0], memGiB: period[1], method: "regression" };

  const horizonDay = Math.min(days - 1, Math.max(0, Math.round(sizer.config.horizonSeconds / DAY) - 1));
  const needs: Needs = {
    cpuCores: forecast.cpu.need,
    memGiB: forecast.mem.need,
    cpuSigma: forecast.cpu.sigma,
    memSigma: forecast.mem.sigma,
    memFloorGiB: forecast.memPeak * (1 + sizer.config.policy.memMargin),
  };
  const planHourly = vmPlan.planMonthlyUsd / catalog.hoursPerMonth;
  const costFor = (bound: keyof Interval) => {
    let cost = 0;
    let upsizeDay: number | undefined;
    for (let d = 0; d < days; d++) {
      const scale = (g: Interval[]) =>
        d <= horizonDay
          ? 1
          : Math.max(1, (g[d] as Interval)[bound] / Math.max(1e-9, (g[horizonDay] as Interval).expected));
      const scaled = { ...needs, cpuCores: needs.cpuCores * scale(growth[0]), memGiB: needs.memGiB * scale(growth[1]) };
      const choice = chooseType(catalog, scaled, sizer.config.policy, sizer.config.confidenceThreshold).type;
      if (choice.hourlyUsd > planType.hourlyUsd) {
        upsizeDay ??= d;
        cost += 24 * ((vmPlan.pricing === "spot" ? hourlyPrice(choice, "spot") : undefined) ?? choice.hourlyUsd);
      } else cost += 24 * planHourly;
    }
    return { cost, upsizeDay };
  };
  const expected = costFor("expected");
  const result: VmCostForecast = {
    vm: vmPlan.vm,
    costUsd: {
      expected: expected.cost,
      low: Math.min(expected.cost, costFor("low").cost),
      high: Math.max(expected.cost, costFor("high").cost),
    },
    cpuCores: period[0],
    memGiB: period[1],
    method: "regression",
  };
  if (expected.upsizeDay !== undefined) result.upsizeDay = expected.upsizeDay;
  return result;
}

async function sharedDesign(
  cache: Map<string, SharedDesign>,
  key: string,
  times: number[],
  terms: SeasonalTerms,
  days: number,
): Promise<SharedDesign> {
  const id = `${key}/${terms.daily}/${terms.weekly}/${days}`;
  let shared = cache.get(id);
  if (shared === undefined) {
    const design = await LeastSquaresDesign.create(times.map((t) => regressors(t, terms)));
    const withLeverage = (x: number[]) => ({ x, leverage: design.leverage(x) });
    shared = {
      design,
      terms,
      days: Array.from({ length: days }, (_, d) => withLeverage(meanRegressors(d, 1, terms))),
      now: meanRegressors(-1, 1, terms),
      period: withLeverage(meanRegressors(0, days, terms)),
    };
    cache.set(id, shared);
  }
  return shared;
}

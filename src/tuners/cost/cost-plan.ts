import type { InstanceType } from "../../catalog/instance-type.js";
import type { Action, Recommendation } from "../rightsize/recommendation.js";
import type { RightSizer } from "../rightsize/right-sizer.js";
import { holdProbability } from "../rightsize/type-choice.js";
import { type CostRiskOption, paretoFrontier } from "./pareto.js";
import { performanceRisk, spotRisk } from "./performance-risk.js";
import { bestCommitment, hourlyPrice, type PricingOption } from "./pricing.js";
import { steadiness } from "./steadiness.js";

/** One VM's place in the plan. Monthly amounts in USD. */
export interface VmCostPlan {
  vm: string;
  action: Action;
  from: string;
  /** The type in the plan (for terminate: none is paid for). */
  to: string;
  pricing: PricingOption | "terminated";
  currentMonthlyUsd: number;
  planMonthlyUsd: number;
  /** Savings by step, in the seed document's order: right-size (and terminate), then spot, then commitments. */
  savings: { rightSize: number; terminate: number; spot: number; commitment: number };
  /** Cost against performance risk over the catalog: the options not beaten on both. */
  pareto: CostRiskOption[];
  reasons: string[];
}

/** A step's total: how many VMs it touches and what it saves a month. */
export interface StepTotal {
  vms: number;
  usd: number;
}

export interface CostPlan {
  vms: VmCostPlan[];
  totals: {
    vms: number;
    currentMonthlyUsd: number;
    rightSize: StepTotal;
    terminate: StepTotal;
    spot: StepTotal;
    commitment: StepTotal;
    planMonthlyUsd: number;
    savingsUsd: number;
    savingsPercent: number;
  };
}

/**
 * The cost plan, step by step as the seed document lays it out: right-size each VM (the
 * right-sizer's recommendation; idle VMs terminated), then run VMs tagged `interruptible` on
 * spot, then commit (the cheaper of a 1-year reservation and savings plan) for VMs that keep
 * their type and run steadily around the clock. A VM gets at most one pricing option. Commitments
 * follow right-sizing: a type that is about to change is not committed for a year.
 */
export function planCosts(sizer: RightSizer, recommendations: readonly Recommendation[] = sizer.recommend()): CostPlan {
  const { catalog } = sizer;
  const hours = catalog.hoursPerMonth;
  const vms = recommendations.map((rec): VmCostPlan => {
    const history = sizer.history(rec.vm);
    const from = catalog.get(rec.from) as InstanceType;
    let to = catalog.get(rec.to) as InstanceType;
    const current = from.hourlyUsd * hours;
    const savings = { rightSize: 0, terminate: 0, spot: 0, commitment: 0 };
    const reasons = rec.reasons.slice(0, 1);
    const interruptible = history?.tags.has("interruptible") ?? false;
    const steady = history !== undefined && rec.forecast !== undefined ? steadiness(history, rec.forecast) : undefined;
    const pareto = paretoOptions(sizer, rec.vm, interruptible, steady?.steady ?? false);
    if (rec.action === "terminate") {
      savings.terminate = current;
      reasons.unshift(rec.reasons[0] as string);
      return {
        vm: rec.vm,
        action: rec.action,
        from: from.name,
        to: to.name,
        pricing: "terminated",
        currentMonthlyUsd: current,
        planMonthlyUsd: 0,
        savings,
        pareto,
        reasons: [...new Set(reasons)],
      };
    }
    // A VM bound for spot is sized by the price it will pay: spot discounts differ by family, so
    // the cheapest type that holds it on-demand need not be the cheapest on spot.
    const resized = rec.action === "upsize" || rec.action === "downsize";
    const spotTo = interruptible && resized ? cheapestSpotHolding(sizer, rec.vm) : undefined;
    if (spotTo !== undefined && spotTo.name !== to.name && spotPrice(spotTo) < spotPrice(to)) {
      reasons.push(
        `${spotTo.name} rather than ${to.name}: at spot prices it is the cheaper type that holds it with ${(sizer.config.confidenceThreshold * 100).toFixed(0)}% confidence`,
      );
      to = spotTo;
    }
    // Sized for spot, a VM may stay on its type (nothing is resized), or move to one dearer on
    // demand than the one it has (an upsize, whatever the right-sizer's pick would have been).
    const action: Action =
      to.name === rec.to
        ? rec.action
        : to.name === from.name
          ? "maintain"
          : to.hourlyUsd > from.hourlyUsd
            ? "upsize"
            : "downsize";
    savings.rightSize = current - to.hourlyUsd * hours;
    let pricing: PricingOption = "on-demand";
    let hourly = to.hourlyUsd;
    const spot = hourlyPrice(to, "spot");
    const commitment = bestCommitment(to);
    if (interruptible && spot !== undefined && to.spot !== undefined) {
      pricing = "spot";
      hourly = spot;
      savings.spot = (to.hourlyUsd - spot) * hours;
      reasons.push(
        `tagged interruptible: spot at ${(to.spot.discount * 100).toFixed(0)}% off, interrupted ${(to.spot.interruptionRate * 100).toFixed(0)}% of months`,
      );
    } else if (rec.action === "maintain" && steady?.steady === true && commitment !== undefined) {
      pricing = commitment.option;
      hourly = commitment.hourly;
      savings.commitment = (to.hourlyUsd - commitment.hourly) * hours;
      reasons.push(
        `${steady.reason}: ${commitment.option} at ${((1 - commitment.hourly / to.hourlyUsd) * 100).toFixed(0)}% off`,
      );
    } else if (steady !== undefined && commitment !== undefined) {
      reasons.push(
        rec.action === "maintain"
          ? `no commitment: ${steady.reason}`
          : "no commitment until the new type has run a lookback",
      );
    }
    return {
      vm: rec.vm,
      action,
      from: from.name,
      to: to.name,
      pricing,
      currentMonthlyUsd: current,
      planMonthlyUsd: hourly * hours,
      savings,
      pareto,
      reasons,
    };
  });
  return { vms, totals: totals(vms) };
}

const spotPrice = (type: InstanceType): number => hourlyPrice(type, "spot") ?? Number.POSITIVE_INFINITY;

/** The type with the lowest spot price that holds the VM's needs with the right-sizer's confidence. */
function cheapestSpotHolding(sizer: RightSizer, vm: string): InstanceType | undefined {
  const needs = sizer.needs(vm);
  if (needs === undefined) return undefined;
  const { policy, confidenceThreshold } = sizer.config;
  let best: InstanceType | undefined;
  for (const type of sizer.catalog.types) {
    if (type.spot === undefined || holdProbability(type, needs, policy) < confidenceThreshold) continue;
    if (best === undefined || spotPrice(type) < spotPrice(best)) best = type;
  }
  return best;
}

function paretoOptions(sizer: RightSizer, vm: string, interruptible: boolean, steady: boolean): CostRiskOption[] {
  const projected = sizer.projection(vm);
  if (projected === undefined) return [];
  const { catalog } = sizer;
  const policy = sizer.config.policy;
  const options: CostRiskOption[] = [];
  for (const type of catalog.types) {
    const risk = performanceRisk(type, projected.cpu, projected.mem, policy);
    options.push({ type: type.name, pricing: "on-demand", monthlyUsd: type.hourlyUsd * catalog.hoursPerMonth, risk });
    const spot = hourlyPrice(type, "spot");
    if (interruptible && spot !== undefined && type.spot !== undefined)
      options.push({
        type: type.name,
        pricing: "spot",
        monthlyUsd: spot * catalog.hoursPerMonth,
        risk: spotRisk(risk, type.spot.interruptionRate),
      });
    const commitment = bestCommitment(type);
    if (steady && commitment !== undefined)
      options.push({
        type: type.name,
        pricing: commitment.option,
        monthlyUsd: commitment.hourly * catalog.hoursPerMonth,
        risk,
      });
  }
  return paretoFrontier(options);
}

function totals(vms: readonly VmCostPlan[]): CostPlan["totals"] {
  const step = (pick: (plan: VmCostPlan) => number): StepTotal => {
    let count = 0;
    let usd = 0;
    for (const plan of vms) {
      const value = pick(plan);
      if (value !== 0) {
        count++;
        usd += value;
      }
    }
    return { vms: count, usd };
  };
  const current = vms.reduce((sum, plan) => sum + plan.currentMonthlyUsd, 0);
  const plan = vms.reduce((sum, p) => sum + p.planMonthlyUsd, 0);
  return {
    vms: vms.length,
    currentMonthlyUsd: current,
    rightSize: step((p) => p.savings.rightSize),
    terminate: step((p) => p.savings.terminate),
    spot: step((p) => p.savings.spot),
    commitment: step((p) => p.savings.commitment),
    planMonthlyUsd: plan,
    savingsUsd: current - plan,
    savingsPercent: current > 0 ? ((current - plan) / current) * 100 : 0,
  };
}

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCatalog } from "../../../src/catalog/catalog-loader.js";
import { forecastCosts } from "../../../src/tuners/cost/cost-forecast.js";
import { planCosts } from "../../../src/tuners/cost/cost-plan.js";
import { type CostRiskOption, paretoFrontier } from "../../../src/tuners/cost/pareto.js";
import { performanceRisk, spotRisk } from "../../../src/tuners/cost/performance-risk.js";
import { bestCommitment, hourlyPrice } from "../../../src/tuners/cost/pricing.js";
import { policy } from "../../../src/tuners/rightsize/policy.js";
import { RightSizer } from "../../../src/tuners/rightsize/right-sizer.js";
import { feedSynthetic, smallCatalog } from "../../helpers/synthetic-vm.js";
import { workedCatalog, workedRows } from "../../helpers/worked-example.js";

const cents = (usd: number) => Math.round(usd * 100);

function workedSizer(): RightSizer {
  const catalog = workedCatalog();
  const sizer = new RightSizer(catalog);
  for (const row of workedRows())
    sizer.observe(
      row.vm,
      { time: row.time, cpu: row.cpu, mem: row.mem, ...(row.tags !== "" && { tags: [row.tags] }) },
      "std",
    );
  return sizer;
}

describe("the cost plan", () => {
  it("reproduces the seed document's worked example exactly", () => {
    const plan = planCosts(workedSizer());
    const t = plan.totals;
    expect(cents(t.currentMonthlyUsd)).toBe(73_000);
    expect([t.rightSize.vms, cents(t.rightSize.usd)]).toEqual([5, 18_250]);
    expect([t.spot.vms, cents(t.spot.usd)]).toEqual([3, 15_330]);
    expect([t.commitment.vms, cents(t.commitment.usd)]).toEqual([2, 5_840]);
    expect(t.terminate.vms).toBe(0);
    expect(cents(t.savingsUsd)).toBe(39_420);
    expect(cents(t.planMonthlyUsd)).toBe(33_580);
    expect(Math.round(t.savingsPercent)).toBe(54);
    const byVm = new Map(plan.vms.map((vm) => [vm.vm, vm]));
    expect(byVm.get("web-1")).toMatchObject({ action: "downsize", to: "half", pricing: "on-demand" });
    expect(byVm.get("batch-1")).toMatchObject({ action: "maintain", to: "std", pricing: "spot" });
    expect(byVm.get("db-1")).toMatchObject({ action: "maintain", to: "std", pricing: "reserved-1y" });
  });

  it("sizes an interruptible VM by the spot price it will pay, not the on-demand one", () => {
    const catalog = parseCatalog(
      `defaults: { reserved1yDiscount: 0.4 }
instances:
  - { name: c.xlarge, family: c, vcpus: 4, memoryGiB: 8, hourlyUsd: 0.17, spot: { discount: 0.47, interruptionRate: 0.05 } }
  - { name: m.xlarge, family: m, vcpus: 4, memoryGiB: 16, hourlyUsd: 0.192, spot: { discount: 0.6, interruptionRate: 0.05 } }
  - { name: m.4xlarge, family: m, vcpus: 16, memoryGiB: 64, hourlyUsd: 0.768, spot: { discount: 0.6, interruptionRate: 0.05 } }
`,
      "spot.yaml",
    );
    const sizer = new RightSizer(catalog);
    const vm = { type: "m.4xlarge", cpu: () => 1.5, mem: () => 3, days: 8 };
    feedSynthetic(sizer, { ...vm, id: "batch", tags: ["interruptible"] });
    feedSynthetic(sizer, { ...vm, id: "web" });
    const byVm = new Map(planCosts(sizer).vms.map((plan) => [plan.vm, plan]));
    // On demand c.xlarge is cheapest ($0.170 against $0.192); on spot m.xlarge is ($0.077 against $0.090).
    expect(byVm.get("web")).toMatchObject({ action: "downsize", to: "c.xlarge", pricing: "on-demand" });
    const batch = byVm.get("batch");
    expect(batch).toMatchObject({ action: "downsize", to: "m.xlarge", pricing: "spot" });
    expect(batch?.planMonthlyUsd).toBeCloseTo(0.192 * 0.4 * 730, 6);
    expect(batch?.reasons.join(" ")).toMatch(/m\.xlarge rather than c\.xlarge: at spot prices it is the cheaper type/);
  });

  it("predicts 30 days by least squares: flat for steady VMs, with an interval that contains the estimate", async () => {
    const sizer = workedSizer();
    const plan = planCosts(sizer);
    const forecast = await forecastCosts(sizer, plan);
    expect(forecast.days).toBe(30);
    // Nothing grows: 30 days (720 h) of the plan's $335.80 per 730-hour month.
    expect(cents(forecast.fleet.costUsd.expected)).toBe(cents((335.8 * 720) / 730));
    for (const vm of forecast.vms) {
      expect(vm.method).toBe("regression");
      expect(vm.costUsd.low).toBeLessThanOrEqual(vm.costUsd.expected);
      expect(vm.costUsd.high).toBeGreaterThanOrEqual(vm.costUsd.expected);
      expect(vm.cpuCores.low).toBeLessThan(vm.cpuCores.expected);
      expect(vm.cpuCores.high).toBeGreaterThan(vm.cpuCores.expected);
    }
    const web = forecast.vms.find((vm) => vm.vm === "web-1");
    expect(web?.cpuCores.expected).toBeCloseTo(0.8, 1); // 20% of 4 vCPUs
  });

  it("bills a growing VM at the bigger type from the day it outgrows its plan", async () => {
    const catalog = smallCatalog();
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, { id: "g", type: "c.xlarge", cpu: (d) => 1 + 0.06 * d, mem: () => 2, days: 14, noise: 0.02 });
    const plan = planCosts(sizer);
    const forecast = await forecastCosts(sizer, plan);
    const [vm] = forecast.vms;
    const flat = (plan.vms[0]?.planMonthlyUsd ?? 0) * (720 / 730);
    expect(vm?.upsizeDay).toBeGreaterThan(5);
    expect(vm?.costUsd.expected).toBeGreaterThan(flat * 1.05);
    expect(vm?.costUsd.high).toBeGreaterThanOrEqual(vm?.costUsd.expected ?? 0);
  });

  it("offers spot only to interruptible VMs and commitments only to steady VMs that keep their type", () => {
    const catalog = smallCatalog();
    const sizer = new RightSizer(catalog);
    feedSynthetic(sizer, {
      id: "spot",
      type: "c.large",
      cpu: () => 1.2,
      mem: () => 2,
      days: 8,
      tags: ["interruptible"],
    });
    feedSynthetic(sizer, { id: "steady", type: "c.large", cpu: () => 1.2, mem: () => 2, days: 8 });
    feedSynthetic(sizer, { id: "short", type: "c.large", cpu: () => 1.2, mem: () => 2, days: 3 });
    feedSynthetic(sizer, { id: "shrinks", type: "m.2xlarge", cpu: () => 1.2, mem: () => 2, days: 8 });
    const plan = new Map(planCosts(sizer).vms.map((vm) => [vm.vm, vm]));
    expect(plan.get("spot")?.pricing).toBe("spot");
    expect(plan.get("steady")?.pricing).toBe("reserved-1y");
    expect(plan.get("short")?.pricing).toBe("on-demand");
    expect(plan.get("short")?.reasons.join(" ")).toMatch(/less than a week observed/);
    expect(plan.get("shrinks")).toMatchObject({ action: "downsize", pricing: "on-demand" });
    for (const vm of plan.values()) {
      expect(vm.pareto.length).toBeGreaterThan(0);
      expect(vm.pareto.some((option) => option.type === vm.to && option.risk === 0)).toBe(
        vm.action !== "insufficient-data",
      );
    }
  });
});

describe("cost building blocks", () => {
  it("prices options from the catalog and picks the cheaper commitment", () => {
    const type = {
      name: "t",
      vcpus: 2,
      memoryGiB: 8,
      hourlyUsd: 0.1,
      spot: { discount: 0.6, interruptionRate: 0.05 },
      reserved1yDiscount: 0.4,
      savingsPlan1yDiscount: 0.28,
    };
    expect(hourlyPrice(type, "spot")).toBeCloseTo(0.04, 12);
    expect(bestCommitment(type)).toEqual({ option: "reserved-1y", hourly: 0.1 * 0.6 });
    expect(hourlyPrice({ ...type, spot: undefined } as never, "spot")).toBeUndefined();
  });

  it("measures risk as time above the targets, 1 for an OOM, plus spot interruptions", () => {
    const type = { name: "t", vcpus: 2, memoryGiB: 8, hourlyUsd: 0.1 };
    const p = policy("balanced");
    expect(performanceRisk(type, [1, 1.7, 1, 1], [1, 1, 1, 7.5], p)).toBe(0.25);
    expect(performanceRisk(type, [1], [8.5], p)).toBe(1);
    expect(spotRisk(0.1, 0.05)).toBeCloseTo(0.145, 12);
  });

  it("keeps exactly the options nothing beats on both cost and risk (property)", () => {
    const option = fc.record({
      type: fc.string(),
      pricing: fc.constant("on-demand"),
      monthlyUsd: fc.integer({ min: 0, max: 50 }),
      risk: fc.integer({ min: 0, max: 10 }).map((r) => r / 10),
    });
    fc.assert(
      fc.property(fc.array(option, { minLength: 1, maxLength: 30 }), (options: CostRiskOption[]) => {
        const frontier = paretoFrontier(options);
        const dominated = (a: CostRiskOption) =>
          options.some(
            (b) => b.monthlyUsd <= a.monthlyUsd && b.risk <= a.risk && (b.monthlyUsd < a.monthlyUsd || b.risk < a.risk),
          );
        for (const kept of frontier) expect(dominated(kept)).toBe(false);
        for (const other of options)
          if (!frontier.includes(other))
            expect(
              dominated(other) || frontier.some((k) => k.monthlyUsd === other.monthlyUsd && k.risk === other.risk),
            ).toBe(true);
        for (let i = 1; i < frontier.length; i++)
          expect((frontier[i] as CostRiskOption).risk).toBeLessThan((frontier[i - 1] as CostRiskOption).risk);
      }),
      { seed: 99 },
    );
  });
});

import { type Pricing, placePricing, rightSize } from "../../src/tuners/fleet-sizing.js";
import { USD_PER_VCPU_HOUR, VCPU_SIZES } from "./fleet-generator.js";
import type { FleetVm, SpotTerms } from "./fleet-model.js";
import { fleetTags } from "./fleet-setup.js";

/** One change to one VM of a fleet: its size (right-sizing) or its pricing (cost). */
export interface FleetDecision {
  vm: number;
  component: "rightsizing" | "cost";
  knob: string;
  from: number | Pricing;
  to: number | Pricing;
  reason: string;
}

/** The hourly price of a VM as it is now: size times the per-vCPU price, less the spot discount. */
export function fleetPrice(vm: FleetVm, discount: number): number {
  return vm.vcpus * USD_PER_VCPU_HOUR * (vm.spot === undefined ? 1 : 1 - discount);
}

/** Applies a decision's `to` (or, reverting, its `from`) to a VM and reprices it. */
export function applyDecision(
  vm: FleetVm,
  decision: FleetDecision,
  spot: SpotTerms,
  discount: number,
  revert = false,
): void {
  const value = revert ? decision.from : decision.to;
  if (decision.component === "rightsizing") vm.vcpus = value as number;
  else if (value === "spot") vm.spot = { ...spot };
  else delete vm.spot;
  vm.hourlyUsd = fleetPrice(vm, discount);
}

/**
 * The decisions after observation: per VM, right-sizing from its P95 utilization (utilization
 * samples in 1% bins, `bins` per VM) and spot placement from its workload's tags, for the
 * components the scenario's tuning enables.
 */
export function decideFleet(
  vms: readonly FleetVm[],
  utilizationBins: Float64Array,
  bins: number,
  components: readonly string[],
  spotAvailable: boolean,
): FleetDecision[] {
  const decisions: FleetDecision[] = [];
  vms.forEach((vm, i) => {
    if (components.includes("rightsizing")) {
      const p95 = binnedQuantile(utilizationBins.subarray(i * bins, (i + 1) * bins), 0.95);
      const size = rightSize(p95, vm.vcpus, VCPU_SIZES);
      if (size !== vm.vcpus)
        decisions.push({
          vm: i,
          component: "rightsizing",
          knob: `vcpus@${vm.name}`,
          from: vm.vcpus,
          to: size,
          reason: `P95 CPU ${(p95 * 100).toFixed(0)}% on ${vm.vcpus} vCPUs: ${size} vCPUs keep it at or under 80%`,
        });
    }
    if (components.includes("cost") && spotAvailable) {
      const current: Pricing = vm.spot === undefined ? "on-demand" : "spot";
      const target = placePricing(current, fleetTags(vm));
      if (target !== current)
        decisions.push({
          vm: i,
          component: "cost",
          knob: `pricing@${vm.name}`,
          from: current,
          to: target,
          reason:
            target === "spot"
              ? "interruptible work: spot capacity at its discount"
              : "latency-sensitive work should not be reclaimed: on-demand",
        });
    }
  });
  return decisions;
}

/** The q-quantile of utilization recorded in `bins` equal bins over [0, 1] (the bin's upper edge). */
export function binnedQuantile(counts: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return 0;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] as number;
    if (seen >= q * total) return (i + 1) / counts.length;
  }
  return 1;
}

/** Records a utilization sample into a VM's bins. */
export function recordUtilization(bins: Float64Array, vm: number, binCount: number, utilization: number): void {
  const bin = Math.min(binCount - 1, Math.max(0, Math.floor(utilization * binCount)));
  const index = vm * binCount + bin;
  bins[index] = (bins[index] as number) + 1;
}

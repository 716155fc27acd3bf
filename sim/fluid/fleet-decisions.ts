import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import type { InstanceType } from "../../src/catalog/instance-type.js";
import { type Pricing, placePricing } from "../../src/tuners/fleet-pricing.js";
import type { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";
import type { FleetVm, SpotTerms } from "./fleet-model.js";
import { fleetTags } from "./fleet-setup.js";

/** One change to one VM of a fleet: its instance type (right-sizing) or its pricing (cost). */
export interface FleetDecision {
  vm: number;
  component: "rightsizing" | "cost";
  knob: string;
  /** An instance type's name, or a Pricing. */
  from: string;
  to: string;
  reason: string;
}

function typeNamed(catalog: InstanceCatalog, name: string): InstanceType {
  const type = catalog.get(name);
  if (type === undefined) throw new RangeError(`instance type '${name}' is not in the catalog (${catalog.origin})`);
  return type;
}

/** The hourly price of a VM as it is now: its type's on-demand price, less the spot discount on spot. */
export function fleetPrice(vm: FleetVm, catalog: InstanceCatalog, discount: number): number {
  return typeNamed(catalog, vm.instanceType).hourlyUsd * (vm.spot === undefined ? 1 : 1 - discount);
}

/** Applies a decision's `to` (or, reverting, its `from`) to a VM and reprices it. */
export function applyDecision(
  vm: FleetVm,
  decision: FleetDecision,
  catalog: InstanceCatalog,
  spot: SpotTerms,
  discount: number,
  revert = false,
): void {
  const value = revert ? decision.from : decision.to;
  if (decision.component === "rightsizing") {
    vm.instanceType = value;
    vm.vcpus = typeNamed(catalog, value).vcpus;
  } else if (value === "spot") vm.spot = { ...spot };
  else delete vm.spot;
  vm.hourlyUsd = fleetPrice(vm, catalog, discount);
}

/** What fleet monitoring reports of a VM for one step, as the right-sizing engine takes it. */
export function observeFleetVm(
  sizer: RightSizer,
  vm: FleetVm,
  catalog: InstanceCatalog,
  timeMs: number,
  utilization: number,
): void {
  const type = typeNamed(catalog, vm.instanceType);
  sizer.observe(
    vm.name,
    {
      time: timeMs / 1000,
      cpu: Math.min(1, Math.max(0, utilization)),
      mem: Math.min(1, vm.memoryGiB / type.memoryGiB),
      // The engine keeps a VM's tags from its samples: once, with the first, is enough.
      ...(sizer.history(vm.name) === undefined ? { tags: fleetTags(vm) } : {}),
    },
    type,
  );
}

/**
 * The decisions after observation: per VM, the right-sizing engine's recommendation
 * (src/tuners/rightsize/: the seed document's targets, confidence, trends, censored samples)
 * where it changes the type, and spot placement from the workload's tags, for the components
 * the scenario's tuning enables. The engine's "terminate" for an idle VM is a person's call: the
 * fleet keeps the VM on the type the engine names for it should it stay.
 */
export function decideFleet(
  vms: readonly FleetVm[],
  sizer: RightSizer | undefined,
  components: readonly string[],
  spotAvailable: boolean,
): FleetDecision[] {
  const decisions: FleetDecision[] = [];
  const recommendations =
    sizer !== undefined && components.includes("rightsizing")
      ? new Map(sizer.recommend().map((rec) => [rec.vm, rec]))
      : new Map();
  vms.forEach((vm, i) => {
    const rec = recommendations.get(vm.name);
    if (rec !== undefined && ["upsize", "downsize", "terminate"].includes(rec.action) && rec.to !== rec.from)
      decisions.push({
        vm: i,
        component: "rightsizing",
        knob: `instance-type@${vm.name}`,
        from: rec.from,
        to: rec.to,
        reason: `${rec.action === "terminate" ? "idle (shutdown is a person's call): kept on the cheapest type that holds it" : rec.action}: ${rec.reasons.join("; ")}`,
      });
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

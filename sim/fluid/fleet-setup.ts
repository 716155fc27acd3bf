import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import type { ResolvedScenario } from "../../src/scenario/load-scenario.js";
import { RandomStreams } from "../rng.js";
import { generateFleet } from "./fleet-generator.js";
import type { FleetSpec, FleetVm } from "./fleet-model.js";

/** What fleet monitoring would say of a VM's workload, from its demand shape (diurnal web is latency-sensitive...). */
export function fleetTags(vm: FleetVm): string[] {
  switch (vm.kind) {
    case "steady-batch":
      return ["interruptible"];
    case "diurnal-web":
    case "weekly-api":
      return ["latency-sensitive"];
    default:
      return [];
  }
}

/** "m5.2xlarge spot": the cost groups of a fleet. */
export function costGroup(vm: FleetVm): string {
  return `${vm.instanceType} ${vm.spot === undefined ? "on-demand" : "spot"}`;
}

/**
 * The fleet a fleet scenario describes: generated VMs (sizes, demand shapes, spread over the
 * hosts of the scenario's host model), a share of them on spot capacity, priced at the
 * discount. Everything is drawn from named streams of `seed`.
 */
export function fleetSpec(resolved: ResolvedScenario, seed: number, catalog?: InstanceCatalog): FleetSpec {
  const { scenario, host } = resolved;
  const fleet = scenario.fleet;
  if (fleet === undefined) throw new Error(`scenario ${scenario.name} has no fleet section`);
  const spec = generateFleet({
    vms: fleet.vms,
    hosts: fleet.hosts,
    host,
    days: scenario.duration / 86_400_000,
    stepMs: fleet.step,
    seed,
    ...(catalog === undefined ? {} : { catalog }),
  });
  const spot = fleet.spot;
  if (spot !== undefined) {
    const streams = new RandomStreams(seed);
    for (const vm of spec.vms) {
      if (streams.stream(`spot-share/${vm.name}`).uniform() >= spot.share) continue;
      vm.spot = { interruptionsPerDay: spot.interruptionsPerDay, restartMs: spot.restart };
      vm.hourlyUsd *= 1 - spot.discount;
    }
  }
  return spec;
}

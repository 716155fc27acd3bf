import type { InstanceType } from "../../src/catalog/instance-type.js";
import type { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";
import type { FleetWorkload } from "./fleet-workload.js";
import { type ObservedSeries, observe } from "./observed-trace.js";

/** VM i's first `traceDays` as monitoring saw them (censored, rounded), as trace.csv holds them. */
export function observedVm(
  fleet: FleetWorkload,
  i: number,
  traceDays: number,
): { id: string; type: InstanceType; tags: readonly string[]; observed: ObservedSeries; steps: number } {
  const steps = Math.round((traceDays * 86_400) / fleet.stepSeconds);
  const spec = fleet.spec(i);
  return {
    id: spec.id,
    type: spec.type,
    tags: spec.tags,
    observed: observe(fleet.series(i, 0, steps), spec.type),
    steps,
  };
}

/** Feeds one VM's observed samples into a right-sizer, one `observe` per sample, as trace rows would. */
export function feedObserved(fleet: FleetWorkload, vm: ReturnType<typeof observedVm>, sizer: RightSizer): void {
  const { observed } = vm;
  const tags = vm.tags.length > 0 ? vm.tags : undefined;
  for (let k = 0; k < vm.steps; k++) {
    sizer.observe(
      vm.id,
      {
        time: fleet.start + k * fleet.stepSeconds,
        cpu: observed.cpu[k] as number,
        mem: observed.mem[k] as number,
        iops: observed.iops[k] as number,
        netMbps: observed.netMbps[k] as number,
        oom: observed.oom[k] === 1,
        ...(k === 0 && tags !== undefined && { tags }),
      },
      vm.type,
    );
  }
}

/**
 * Feeds VM i's first `traceDays` of observed samples into a right-sizer, exactly as
 * `twintune fleet generate` writes them to trace.csv, without the file in between.
 */
export function feedVm(fleet: FleetWorkload, i: number, traceDays: number, sizer: RightSizer): void {
  feedObserved(fleet, observedVm(fleet, i, traceDays), sizer);
}

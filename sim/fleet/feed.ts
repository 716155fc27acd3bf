import type { RightSizer } from "../../src/tuners/rightsize/right-sizer.js";
import type { FleetWorkload } from "./fleet-workload.js";
import { observe } from "./observed-trace.js";

/**
 * Feeds VM i's first `traceDays` of observed (censored, rounded) samples into a right-sizer,
 * exactly as `twintune fleet generate` writes them to trace.csv, without the file in between.
 */
export function feedVm(fleet: FleetWorkload, i: number, traceDays: number, sizer: RightSizer): void {
  const steps = Math.round((traceDays * 86_400) / fleet.stepSeconds);
  const spec = fleet.spec(i);
  const observed = observe(fleet.series(i, 0, steps), spec.type);
  const tags = spec.tags.length > 0 ? spec.tags : undefined;
  for (let k = 0; k < steps; k++) {
    sizer.observe(
      spec.id,
      {
        time: fleet.start + k * fleet.stepSeconds,
        cpu: observed.cpu[k] as number,
        mem: observed.mem[k] as number,
        iops: observed.iops[k] as number,
        netMbps: observed.netMbps[k] as number,
        oom: observed.oom[k] === 1,
        ...(k === 0 && tags !== undefined && { tags }),
      },
      spec.type,
    );
  }
}

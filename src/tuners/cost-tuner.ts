import type { KnobValue } from "../backend.js";
import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

/** Coefficient of variation of a VM's CPU utilization below which it counts as steady. */
const STEADY_CV = 0.25;
/** Samples needed before judging steadiness. */
const MIN_SAMPLES = 3;

/**
 * The cost optimizer as a tuning component: how each VM is bought. A VM tagged `interruptible`
 * goes to spot (the catalog's discount and interruption rate); a VM tagged `steady` (it runs
 * around the clock, as its owner declares) whose measured CPU demand is also steady goes to a
 * 1-year reservation. Untagged VMs stay on demand: a commitment needs someone to vouch for the
 * year ahead. Pure: the catalog is data, the decision reads only observations and knob values.
 */
export class CostTuner implements Tuner {
  readonly component = "cost";

  constructor(private readonly catalog: InstanceCatalog) {}

  recommend(context: TunerContext): Recommendation[] {
    const out: Recommendation[] = [];
    const observations = [...context.history, context.observation];
    const totalHourly = context.observation.workloads.reduce((sum, w) => sum + (w.hourlyCostUsd ?? 0), 0);
    for (const vm of context.topology.workloads) {
      if (vm.instanceType === undefined) continue;
      const type = this.catalog.get(vm.instanceType);
      const current = context.knobs.get(knobKey({ knob: "purchase-option", target: vm.id }));
      if (type === undefined || current === undefined) continue;
      const hourly = context.observation.workloads.find((w) => w.id === vm.id)?.hourlyCostUsd ?? type.hourlyUsd;
      const share = totalHourly > 0 ? hourly / totalHourly : 0;
      const propose = (to: KnobValue, discount: number, reasons: string[]) => {
        if (current === to) return;
        out.push({
          component: this.component,
          knob: { knob: "purchase-option", target: vm.id },
          to,
          expectedImpact: discount * share,
          reasons,
        });
      };
      if (vm.tags.includes("interruptible") && type.spot !== undefined) {
        propose("spot", type.spot.discount, [
          `${vm.id} is tagged interruptible: spot ${vm.instanceType} at ${(type.spot.discount * 100).toFixed(0)}% off on-demand, interrupted in about ${(type.spot.interruptionRate * 100).toFixed(0)}% of months (catalog); the twin does not simulate the interruptions`,
        ]);
        continue;
      }
      const cpu = observations
        .map((o) => o.workloads.find((w) => w.id === vm.id)?.cpuUtilization)
        .filter((v): v is number => v !== undefined);
      if (!vm.tags.includes("steady") || cpu.length < MIN_SAMPLES || type.reserved1yDiscount === undefined) continue;
      const mean = cpu.reduce((a, b) => a + b, 0) / cpu.length;
      const sd = Math.sqrt(cpu.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (cpu.length - 1));
      const cv = mean > 0 ? sd / mean : 0;
      if (cv > STEADY_CV || mean < 0.05) continue;
      propose("reserved-1y", type.reserved1yDiscount, [
        `${vm.id} is tagged steady and its CPU demand varies by ${(cv * 100).toFixed(0)}% across ${cpu.length} samples: a 1-year reservation of ${vm.instanceType} costs ${(type.reserved1yDiscount * 100).toFixed(0)}% less than on-demand`,
      ]);
    }
    // One plan: how the fleet is bought is decided, applied and judged as one operation.
    return out.map((r) => ({ ...r, group: "cost:purchase" }));
  }
}

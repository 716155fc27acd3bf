import type { InstanceCatalog } from "../catalog/instance-catalog.js";
import type { RightSizerOptions } from "./rightsize/config.js";
import { RightSizer } from "./rightsize/right-sizer.js";
import { knobKey, type Recommendation, type Tuner, type TunerContext } from "./tuner.js";

const clamp = (x: number) => Math.min(1, Math.max(0, x));

/**
 * The right-sizing engine as a tuning component: it sizes each VM from the observations the
 * orchestrator has kept and proposes an instance-type change when the engine is confident. The
 * engine's own rules apply unchanged, so with less than its observation period of data (24 h by
 * default) it proposes nothing: a short run on the twin leaves sizes alone.
 */
export class RightsizingTuner implements Tuner {
  readonly component = "rightsizing";

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly options: RightSizerOptions = {},
  ) {}

  recommend(context: TunerContext): Recommendation[] {
    const sizer = new RightSizer(this.catalog, this.options);
    const types = new Map<string, string>();
    for (const vm of context.topology.workloads) {
      const current = context.knobs.get(knobKey({ knob: "instance-type", target: vm.id }));
      if (typeof current === "string" && this.catalog.get(current) !== undefined) types.set(vm.id, current);
    }
    for (const observation of [...context.history, context.observation]) {
      for (const w of observation.workloads) {
        const type = types.get(w.id);
        if (type === undefined) continue;
        const tags = context.topology.workloads.find((vm) => vm.id === w.id)?.tags ?? [];
        sizer.observe(
          w.id,
          {
            time: observation.time / 1000,
            cpu: clamp(w.cpuUtilization),
            mem: clamp(w.memoryUtilization),
            tags,
            ...(w.oomKills ? { oom: true } : {}),
          },
          type,
        );
      }
    }
    const totalHourly = context.observation.workloads.reduce((sum, w) => sum + (w.hourlyCostUsd ?? 0), 0);
    const out: Recommendation[] = [];
    for (const rec of sizer.recommend()) {
      if ((rec.action !== "downsize" && rec.action !== "upsize") || rec.to === rec.from) continue;
      out.push({
        component: this.component,
        knob: { knob: "instance-type", target: rec.vm },
        to: rec.to,
        expectedImpact:
          totalHourly > 0 ? Math.abs(rec.monthlySavingsUsd) / (totalHourly * this.catalog.hoursPerMonth) : 0.01,
        reasons: rec.reasons,
      });
    }
    return out;
  }
}

import { DecayingHistogram } from "../../../metrics/decaying-histogram.js";
import { OOM } from "../vm-history.js";
import { type Baseline, windowStart } from "./baseline.js";

const DAY = 86_400;
const MIB = 1 / 1024;

/**
 * Kubernetes VPA's recommender target (kubernetes/autoscaler, vertical-pod-autoscaler/pkg/recommender:
 * model/aggregations_config.go, logic/recommender.go, model/container.go). CPU: every sample into a
 * decaying histogram (24 h half-life, ~5% buckets from 0.001 core), target = p90 × 1.15. VPA
 * weighs CPU samples by the container's request; a VM's allocation is constant, so the weights are
 * equal here. Memory: the peak of each 24 h interval over the last 8 (VPA keeps 8 intervals), into
 * a decaying histogram (24 h half-life, from 10 MB), target = p90 × 1.15; an interval with an OOM
 * kill contributes max(used + 100 MiB, used × 1.2), used = max(the VM's memory, the peak). Floors:
 * 25 millicores, 250 MB. The target has no confidence multiplier (only VPA's bounds do).
 */
export const vpaBaseline: Baseline = {
  name: "VPA",
  rule: "Kubernetes VPA target: p90 × 1.15 of decaying histograms (CPU samples, daily memory peaks)",
  request(history, lookbackSeconds) {
    const from = windowStart(history, lookbackSeconds);
    const end = history.lastTime;
    const cpu = new DecayingHistogram({ halfLifeSeconds: DAY, minValue: 0.001 });
    for (let i = from; i < history.length; i++) cpu.add(history.cpuCores[i] as number, history.times[i] as number);
    const memory = new DecayingHistogram({ halfLifeSeconds: DAY, minValue: 10 / 1024 });
    const intervals = 8;
    for (let k = intervals - 1; k >= 0; k--) {
      const intervalEnd = end - k * DAY;
      const a = Math.max(from, history.indexAt(intervalEnd - DAY));
      const b = k === 0 ? history.length : history.indexAt(intervalEnd);
      if (b <= a) continue;
      let peak = 0;
      let oom = false;
      for (let i = a; i < b; i++) {
        peak = Math.max(peak, history.memGiB[i] as number);
        oom ||= ((history.flags[i] as number) & OOM) !== 0;
      }
      if (oom) {
        const used = Math.max(peak, history.type.memoryGiB);
        peak = Math.max(used + 100 * MIB, used * 1.2);
      }
      memory.add(peak, history.times[b - 1] as number);
    }
    if (cpu.isEmpty || memory.isEmpty) return undefined;
    return {
      cpuCores: Math.max(cpu.quantile(0.9) * 1.15, 0.025),
      memGiB: Math.max(memory.quantile(0.9) * 1.15, 0.25 / 1.073741824),
    };
  },
};

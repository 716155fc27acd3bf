import { quantile } from "../../../metrics/quantile.js";
import { type Baseline, windowStart } from "./baseline.js";

/**
 * AWS Compute Optimizer's default preferences (API reference: CustomizableMetricParameters):
 * 14-day lookback, P99.5 utilisation threshold, 20% headroom on CPU and on memory. AWS documents
 * the percentile threshold for CPU; memory is taken at the same P99.5 here.
 */
export const computeOptimizerBaseline: Baseline = {
  name: "AWS Compute Optimizer",
  rule: "AWS Compute Optimizer defaults: P99.5 plus 20% headroom, 14-day lookback",
  request(history, lookbackSeconds) {
    const from = windowStart(history, Math.min(lookbackSeconds, 14 * 86_400));
    if (history.length - from === 0) return undefined;
    return {
      cpuCores: quantile(history.cpuCores.subarray(from, history.length), 0.995) * 1.2,
      memGiB: quantile(history.memGiB.subarray(from, history.length), 0.995) * 1.2,
    };
  },
};

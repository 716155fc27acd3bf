import { maxOf, quantile } from "../../../metrics/quantile.js";
import { type Baseline, windowStart } from "./baseline.js";

/**
 * Robusta KRR's `simple` strategy (robusta-dev/krr, robusta_krr/strategies/simple.py; the history
 * length in core/abstract/strategies.py): CPU request = P95 of usage, memory = the maximum × 1.15,
 * over 14 days; no recommendation with fewer than 100 points; floors 10 millicores and 100 MB.
 * (OOM-kill data is off by default.)
 */
export const krrSimpleBaseline: Baseline = {
  name: "KRR simple",
  rule: "Robusta KRR simple: CPU P95, memory max × 1.15, ≥ 100 points",
  request(history, lookbackSeconds) {
    const from = windowStart(history, Math.min(lookbackSeconds, 14 * 86_400));
    if (history.length - from < 100) return undefined;
    return {
      cpuCores: Math.max(quantile(history.cpuCores.subarray(from, history.length), 0.95), 0.01),
      memGiB: Math.max(maxOf(history.memGiB.subarray(from, history.length)) * 1.15, 0.1 / 1.073741824),
    };
  },
};

import type { SampleWindow } from "./estimator.js";

const DAY = 86_400;

/**
 * Kubernetes VPA's confidence in a history, in days: min(days between the first and the last
 * sample, samples / samples-per-day). VPA counts one-minute samples (1440 a day); the default
 * here is 288, one sample every 5 minutes, the usual resolution of VM monitoring, so such a trace
 * is not penalised for its resolution while a sparse one still is. Zero for fewer than two samples.
 */
export function historyConfidence(window: SampleWindow, samplesPerDay = 288): number {
  const n = window.times.length;
  if (n < 2) return 0;
  const span = (window.times[n - 1] as number) - (window.times[0] as number);
  return Math.min(span / DAY, n / samplesPerDay);
}

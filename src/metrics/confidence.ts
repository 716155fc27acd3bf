import type { SampleWindow } from "./estimator.js";
import { medianInterval } from "./sample-interval.js";

const DAY = 86_400;

/**
 * Kubernetes VPA's confidence in a history, in days: min(days between first and last sample,
 * samples / samples-per-day). VPA counts one-minute samples (1440 a day); here a day holds as
 * many samples as the window's median interval allows, so a 5-minute trace is not penalised for
 * its resolution. Zero for fewer than two samples.
 */
export function historyConfidence(window: SampleWindow): number {
  const n = window.times.length;
  if (n < 2) return 0;
  const span = (window.times[n - 1] as number) - (window.times[0] as number);
  const interval = medianInterval(window.times);
  const samplesPerDay = interval > 0 ? DAY / interval : Number.POSITIVE_INFINITY;
  return Math.min(span / DAY, n / samplesPerDay);
}

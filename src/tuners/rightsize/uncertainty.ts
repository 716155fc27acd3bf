import { sampleStandardDeviation } from "simple-statistics";
import type { Trend } from "../../metrics/trend.js";
import { DAY } from "./daily-stats.js";

/** Model error no history can remove: 1% of the need. */
export const SIGMA_FLOOR = 0.01;
/** Extra relative uncertainty when less than a week was observed: the weekly cycle is unseen. */
export const SIGMA_UNSEEN_WEEK = 0.1;
/** Day-to-day spread assumed when there are too few days to measure it. */
const SIGMA_FEW_DAYS = 0.1;

/**
 * How much one day's statistic (its P95, its peak) varies from day to day, in log units. With
 * two weeks or more, each day is compared with the same weekday a week before, so a weekly
 * pattern is not mistaken for noise (the spread of the differences / √2); otherwise the spread
 * of the days themselves.
 */
export function dayToDaySpread(daily: Float64Array): number {
  const logs = Array.from(daily, (v) => (v > 0 ? Math.log(v) : Number.NaN));
  if (logs.length >= 14) {
    const differences: number[] = [];
    for (let d = 0; d + 7 < logs.length; d++) {
      const a = logs[d] as number;
      const b = logs[d + 7] as number;
      if (Number.isFinite(a) && Number.isFinite(b)) differences.push(b - a);
    }
    if (differences.length >= 3) return sampleStandardDeviation(differences) / Math.SQRT2;
  }
  const finite = logs.filter(Number.isFinite);
  return finite.length >= 3 ? sampleStandardDeviation(finite) : SIGMA_FEW_DAYS;
}

/**
 * The relative (log-scale) standard error of a projected need: the statistic's own variability
 * (the horizon sees `horizonDays` days, the estimate pooled `observedDays`), the slope's
 * uncertainty carried from the middle of the history to the middle of the horizon, the floor,
 * and the unseen weekly cycle for histories shorter than a week.
 */
export function needSigma(
  daySpread: number,
  observedDays: number,
  horizonDays: number,
  trend: Trend,
  spanSeconds: number,
): number {
  const sampling = daySpread * Math.sqrt(1 / Math.max(1, horizonDays) + 1 / Math.max(1, observedDays));
  const distanceDays = (spanSeconds / DAY + horizonDays) / 2;
  const slope =
    trend.levelAtEnd > 0 && Number.isFinite(trend.standardError)
      ? (trend.standardError / trend.levelAtEnd) * distanceDays
      : 0;
  const unseenWeek = spanSeconds < 7 * DAY - 3600 ? SIGMA_UNSEEN_WEEK : 0;
  return Math.sqrt(sampling ** 2 + slope ** 2 + SIGMA_FLOOR ** 2 + unseenWeek ** 2);
}

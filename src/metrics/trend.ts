import { linearRegression, mean, sampleStandardDeviation } from "simple-statistics";
import { studentTQuantile } from "../math/student-t.js";

/** A linear trend in a daily series, with its uncertainty. Slopes are per day, in the series' unit. */
export interface Trend {
  slopePerDay: number;
  /** Standard error of the slope (0 when the fit is exact). */
  standardError: number;
  /** The level the trend line reaches at the end of the last day. */
  levelAtEnd: number;
  degreesOfFreedom: number;
  /** |t| above Student's t quantile at 1 − alpha/2: the slope is unlikely to be noise. */
  significant: boolean;
  /** week-over-week differences (weekly seasonality cancels), a regression on the days, or none. */
  method: "weekly-difference" | "regression" | "none";
}

const NO_TREND: Trend = {
  slopePerDay: 0,
  standardError: Number.POSITIVE_INFINITY,
  levelAtEnd: Number.NaN,
  degreesOfFreedom: 0,
  significant: false,
  method: "none",
};

/**
 * The trend of a series of daily values (day d covers [d, d+1); NaN marks a missing day).
 *
 * With two weeks or more it differences each day against the same weekday a week earlier: a
 * weekly pattern (quiet weekends) cancels, where a straight regression over days would read a
 * weekend at the end of the window as a decline. The slope is the mean difference over 7 days
 * and its significance a one-sample t-test on the differences. With 3 to 13 days it regresses
 * the daily values on time (simple-statistics' linearRegression) and tests the slope against its
 * standard error. Fewer days: no trend.
 */
export function dailyTrend(daily: ArrayLike<number>, alpha = 0.05): Trend {
  const days = daily.length;
  if (days >= 14) {
    const differences: number[] = [];
    for (let d = 0; d + 7 < days; d++) {
      const a = daily[d] as number;
      const b = daily[d + 7] as number;
      if (Number.isFinite(a) && Number.isFinite(b)) differences.push(b - a);
    }
    if (differences.length >= 3) return weeklyDifference(daily, differences, alpha);
  }
  const points: number[][] = [];
  for (let d = 0; d < days; d++) if (Number.isFinite(daily[d] as number)) points.push([d + 0.5, daily[d] as number]);
  if (points.length < 3) return NO_TREND;
  return regression(points, days, alpha);
}

function weeklyDifference(daily: ArrayLike<number>, differences: number[], alpha: number): Trend {
  const k = differences.length;
  const meanDifference = mean(differences);
  const sd = sampleStandardDeviation(differences);
  const slopePerDay = meanDifference / 7;
  const standardError = sd / Math.sqrt(k) / 7;
  const lastWeek: number[] = [];
  for (let d = Math.max(0, daily.length - 7); d < daily.length; d++)
    if (Number.isFinite(daily[d] as number)) lastWeek.push(daily[d] as number);
  // The last week's mean sits at its centre, 3.5 days before the end.
  const levelAtEnd = mean(lastWeek) + slopePerDay * 3.5;
  return finish(slopePerDay, standardError, levelAtEnd, k - 1, alpha, "weekly-difference");
}

function regression(points: number[][], days: number, alpha: number): Trend {
  const { m, b } = linearRegression(points);
  const n = points.length;
  const meanX = mean(points.map((point) => point[0] as number));
  let sxx = 0;
  let sse = 0;
  for (const [x, y] of points as [number, number][]) {
    sxx += (x - meanX) ** 2;
    sse += (y - (m * x + b)) ** 2;
  }
  const standardError = Math.sqrt(sse / (n - 2) / sxx);
  return finish(m, standardError, m * days + b, n - 2, alpha, "regression");
}

function finish(
  slopePerDay: number,
  standardError: number,
  levelAtEnd: number,
  degreesOfFreedom: number,
  alpha: number,
  method: Trend["method"],
): Trend {
  const critical = studentTQuantile(1 - alpha / 2, Math.max(1, degreesOfFreedom));
  const t = standardError === 0 ? (slopePerDay === 0 ? 0 : Number.POSITIVE_INFINITY) : slopePerDay / standardError;
  return { slopePerDay, standardError, levelAtEnd, degreesOfFreedom, significant: Math.abs(t) > critical, method };
}

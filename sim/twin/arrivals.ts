import type { OpenArrivals } from "../../src/scenario/scenario-schema.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const WEEK_MS = 7 * DAY_MS;

/**
 * The arrival rate of an open workload at time `ms` (requests per second): the base rate grown
 * by the daily trend, swung by the daily and weekly seasons (cosines peaking at their hour and
 * day), and multiplied during bursts. Time 0 is a Monday, 00:00.
 */
export function arrivalRate(arrivals: OpenArrivals, ms: number): number {
  let rate = arrivals.ratePerSec * Math.max(0, 1 + arrivals.trendPerDay * (ms / DAY_MS));
  if (arrivals.daily !== undefined) {
    const hour = (ms % DAY_MS) / HOUR_MS;
    rate *= 1 + arrivals.daily.amplitude * Math.cos((2 * Math.PI * (hour - arrivals.daily.peak)) / 24);
  }
  if (arrivals.weekly !== undefined) {
    const day = (ms % WEEK_MS) / DAY_MS;
    rate *= 1 + arrivals.weekly.amplitude * Math.cos((2 * Math.PI * (day - arrivals.weekly.peak)) / 7);
  }
  if (arrivals.burst !== undefined && ms % arrivals.burst.every < arrivals.burst.lasting) rate *= arrivals.burst.factor;
  return Math.max(0, rate);
}

import type { DemandForecast } from "../rightsize/demand-forecast.js";
import type { VmHistory } from "../rightsize/vm-history.js";

const HOUR = 3600;
const DAY = 86_400;

/** Why a VM is, or is not, a candidate for a 1-year commitment. */
export interface Steadiness {
  steady: boolean;
  /** Share of the window's hours with at least one sample (the VM was running). */
  hoursCovered: number;
  reason: string;
}

/**
 * A commitment bills every hour for a year, so it pays for VMs that run around the clock and
 * whose needs hold still: samples in at least 95% of the hours of a window of a week or more,
 * and no trend in CPU or memory that is both significant and material (10% or more over the
 * next 30 days). The tag `steady` vouches for the second part.
 */
export function steadiness(history: VmHistory, forecast: DemandForecast): Steadiness {
  const from = forecast.from;
  const start = history.times[from] as number;
  const hours = Math.max(1, Math.ceil(forecast.spanSeconds / HOUR));
  const seen = new Uint8Array(hours + 1);
  for (let i = from; i < history.length; i++) seen[Math.floor(((history.times[i] as number) - start) / HOUR)] = 1;
  let covered = 0;
  for (const hour of seen) covered += hour;
  const hoursCovered = Math.min(1, covered / hours);
  if (forecast.spanSeconds < 7 * DAY - HOUR)
    return { steady: false, hoursCovered, reason: "less than a week observed: too early to commit for a year" };
  if (hoursCovered < 0.95)
    return {
      steady: false,
      hoursCovered,
      reason: `runs only ${(hoursCovered * 100).toFixed(0)}% of the hours: a commitment would bill idle hours`,
    };
  if (history.tags.has("steady")) return { steady: true, hoursCovered, reason: "runs around the clock; tagged steady" };
  const trending = [forecast.cpu, forecast.mem].some(
    (r) =>
      r.trend.significant && r.trend.levelAtEnd > 0 && Math.abs(r.trend.slopePerDay / r.trend.levelAtEnd) * 30 >= 0.1,
  );
  if (trending)
    return {
      steady: false,
      hoursCovered,
      reason: "runs around the clock but its demand is trending: size it before committing",
    };
  return {
    steady: true,
    hoursCovered,
    reason: `runs around the clock (${(hoursCovered * 100).toFixed(0)}% of hours) with no significant trend`,
  };
}

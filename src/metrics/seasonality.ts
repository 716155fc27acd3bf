/** The average shape of a day and how much of the variation it explains. */
export interface DailyProfile {
  /** Mean value per bin of the UTC day (24 bins: one per hour); NaN for an empty bin. */
  means: Float64Array;
  /** Share of the variance the profile explains, 0 (no daily pattern) to 1 (the same every day). */
  strength: number;
  /** The bin with the highest mean (the busiest hour for 24 bins). */
  peakBin: number;
}

const DAY = 86_400;

/**
 * Daily seasonality: the values averaged by time of day (`bins` equal slices of the UTC day) and
 * the profile's strength, R² = 1 − (variance around the profile) / (total variance). A steady
 * server scores near 0, an interactive service that follows office hours near 1.
 */
export function dailyProfile(times: ArrayLike<number>, values: ArrayLike<number>, bins = 24): DailyProfile {
  const sums = new Float64Array(bins);
  const counts = new Float64Array(bins);
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const bin = binOf(times[i] as number, bins);
    sums[bin] = (sums[bin] as number) + (values[i] as number);
    counts[bin] = (counts[bin] as number) + 1;
    total += values[i] as number;
  }
  const means = new Float64Array(bins);
  let peakBin = 0;
  for (let b = 0; b < bins; b++) {
    means[b] = (counts[b] as number) > 0 ? (sums[b] as number) / (counts[b] as number) : Number.NaN;
    if (Number.isFinite(means[b] as number) && !((means[peakBin] as number) >= (means[b] as number))) peakBin = b;
  }
  const grand = total / n;
  let within = 0;
  let all = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    within += (v - (means[binOf(times[i] as number, bins)] as number)) ** 2;
    all += (v - grand) ** 2;
  }
  return { means, strength: all > 0 ? Math.max(0, 1 - within / all) : 0, peakBin };
}

function binOf(time: number, bins: number): number {
  const secondOfDay = ((time % DAY) + DAY) % DAY;
  return Math.min(bins - 1, Math.floor((secondOfDay / DAY) * bins));
}

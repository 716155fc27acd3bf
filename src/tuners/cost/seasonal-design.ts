/**
 * Regressors for trend plus daily and weekly seasonality at time t (days; 0 = the end of the
 * history, negative before): 1, t, then sine and cosine pairs of the first harmonics of the day
 * and of the week. Fewer terms for short histories: the weekly ones need a week, the daily ones
 * two days.
 */
export interface SeasonalTerms {
  daily: number;
  weekly: number;
}

export function termsFor(spanDays: number): SeasonalTerms {
  return { daily: spanDays >= 2 ? 3 : 0, weekly: spanDays >= 7 ? 2 : 0 };
}

export function regressors(t: number, terms: SeasonalTerms): number[] {
  const row = [1, t];
  for (let k = 1; k <= terms.daily; k++) row.push(Math.sin(2 * Math.PI * k * t), Math.cos(2 * Math.PI * k * t));
  for (let k = 1; k <= terms.weekly; k++)
    row.push(Math.sin((2 * Math.PI * k * t) / 7), Math.cos((2 * Math.PI * k * t) / 7));
  return row;
}

/** The mean of the regressors over [from, from + days) sampled hourly (the daily-mean regressor). */
export function meanRegressors(from: number, days: number, terms: SeasonalTerms): number[] {
  const hours = Math.max(1, Math.round(days * 24));
  let sum: number[] | undefined;
  for (let h = 0; h < hours; h++) {
    const row = regressors(from + (h + 0.5) / 24, terms);
    if (sum === undefined) sum = row;
    else for (let j = 0; j < row.length; j++) sum[j] = (sum[j] as number) + (row[j] as number);
  }
  return (sum as number[]).map((value) => value / hours);
}

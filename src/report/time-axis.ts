/** The unit a time axis reads best in, for a span given in minutes. */
export function timeUnit(spanMinutes: number): { perMinute: number; unit: "min" | "h" | "days" } {
  if (spanMinutes <= 240) return { perMinute: 1, unit: "min" };
  if (spanMinutes <= 72 * 60) return { perMinute: 1 / 60, unit: "h" };
  return { perMinute: 1 / 1440, unit: "days" };
}

/** "12 min", "3.5 h", "2.1 days". */
export function formatMinutes(minutes: number): string {
  const { perMinute, unit } = timeUnit(minutes);
  const value = minutes * perMinute;
  return `${Number(value.toPrecision(3))} ${unit}`;
}

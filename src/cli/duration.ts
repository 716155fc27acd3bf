import { UsageError } from "./errors.js";

const UNITS: Record<string, number> = { m: 60, h: 3600, d: 86_400, w: 7 * 86_400 };

/** Seconds from "7d", "36h", "90m", "2w" (a number and one unit), or a UsageError naming the flag. */
export function parseDuration(
  flag: string,
  text: string | undefined,
  fallbackSeconds: number,
  max?: { seconds: number; why: string },
): number {
  if (text === undefined) return fallbackSeconds;
  const match = /^(\d+(?:\.\d+)?)([mhdw])$/.exec(text.trim());
  const seconds = match === null ? Number.NaN : Number(match[1]) * (UNITS[match[2] as string] as number);
  if (!(seconds > 0)) throw new UsageError(`--${flag} expects a duration such as 7d, 36h or 2w, got '${text}'`);
  if (max !== undefined && seconds > max.seconds)
    throw new UsageError(`--${flag} expects at most ${max.seconds / 86_400}d (${max.why}), got '${text}'`);
  return seconds;
}

/**
 * The longest sizing and forecast horizon: a trace's trend extrapolated further than three years
 * says nothing about demand (and no reservation runs longer).
 */
export const MAX_HORIZON = {
  seconds: 3 * 365 * 86_400,
  why: "a trend extrapolated further says nothing; reservations end at 3 years",
};

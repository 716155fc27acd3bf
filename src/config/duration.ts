import { z } from "zod";

const UNITS_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  min: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** Milliseconds of a duration written "250ms", "30s", "5m", "1.5h", "7d" or "2w". */
export function parseDuration(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d|w)\s*$/.exec(text);
  if (match === null) throw new RangeError(`expected a duration like 30s, 5m, 2h or 7d, got '${text}'`);
  return Number(match[1]) * (UNITS_MS[match[2] as string] as number);
}

/** A duration field: a string with a unit, parsed to milliseconds. */
export const durationMs = z
  // A bare number has no unit: say what a duration looks like rather than "expected string".
  .string({
    error: (issue) =>
      issue.input === undefined ? undefined : "expected a duration with a unit, like 30s, 5m, 2h or 7d",
  })
  .transform((text, ctx) => {
    try {
      return parseDuration(text);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
      return z.NEVER;
    }
  });

/**
 * A duration that must be above zero: a zero interval, validation period or evaluation window
 * leaves nothing to measure, so it is refused where it is written, not discovered mid-run.
 */
export const positiveDurationMs = durationMs.refine((ms) => ms > 0, "expected a duration above zero, like 30s or 5m");

/** Formats milliseconds back to the largest exact unit ("300000" → "5m"). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ["d", 86_400_000],
    ["h", 3_600_000],
    ["m", 60_000],
    ["s", 1000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

import { DAY } from "./daily-stats.js";

/** A resource's level over time: `levelAtEnd` at `end`, changing by `slopePerDay`. */
export interface Level {
  end: number;
  levelAtEnd: number;
  slopePerDay: number;
}

/** Where observed samples land in the horizon, and how many there are. */
export interface Projection {
  cpu: Float32Array;
  mem: Float32Array;
  count: number;
  /** The seasonal period used to carry samples forward (seconds): a week, or a day for short histories. */
  periodSeconds: number;
}

/**
 * Carries each observed sample forward into the horizon [end, end + horizon) by whole seasonal
 * periods (a week when the history covers one, else a day), so its place in the weekly or daily
 * cycle is kept: a seasonal-naive forecast. With a level given, the value is scaled by how much
 * the level grows between the sample's time and its new time (multiplicative: a busier week
 * scales its peaks with its mean). When the horizon is longer than the period, samples land in
 * the horizon's last period, where a growing level is highest.
 */
export function projectIntoHorizon(
  times: ArrayLike<number>,
  cpu: ArrayLike<number>,
  mem: ArrayLike<number>,
  from: number,
  to: number,
  end: number,
  horizonSeconds: number,
  periodSeconds: number,
  cpuLevel: Level | null,
  memLevel: Level | null,
  out: { cpu: Float32Array; mem: Float32Array },
): Projection {
  const windowStart = horizonSeconds >= periodSeconds ? end + horizonSeconds - periodSeconds : end;
  const windowEnd = end + horizonSeconds;
  const cpuScale = scaler(cpuLevel);
  const memScale = scaler(memLevel);
  let count = 0;
  for (let i = from; i < to; i++) {
    const t = times[i] as number;
    const periods = Math.ceil((windowStart - t) / periodSeconds);
    const shifted = periods > 0 ? t + periods * periodSeconds : t;
    if (shifted >= windowEnd) continue;
    out.cpu[count] = cpuScale === null ? (cpu[i] as number) : (cpu[i] as number) * cpuScale(t, shifted);
    out.mem[count] = memScale === null ? (mem[i] as number) : (mem[i] as number) * memScale(t, shifted);
    count++;
  }
  return { cpu: out.cpu, mem: out.mem, count, periodSeconds };
}

/** level(to) / level(from) for a linear level, or null for no level (a ratio of 1). */
function scaler(level: Level | null): ((from: number, to: number) => number) | null {
  if (level === null) return null;
  const perSecond = level.slopePerDay / DAY;
  const intercept = level.levelAtEnd - perSecond * level.end;
  return (from, to) => {
    const before = intercept + perSecond * from;
    if (!(before > 0)) return 1;
    const after = intercept + perSecond * to;
    return after > 0 ? after / before : 0;
  };
}

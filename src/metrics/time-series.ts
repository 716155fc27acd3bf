/** How long a series keeps what, and at what resolution. */
export interface RetentionPolicy {
  /** Raw points younger than this (seconds, relative to the newest) are kept as recorded. */
  rawSeconds: number;
  /** At most this many raw points; older ones are folded into rollups early. */
  rawCapacity: number;
  /** Width of a rollup bucket (seconds): older points survive only as min/max/mean per bucket. */
  rollupSeconds: number;
  /** Rollups older than this (seconds, relative to the newest point) are dropped. */
  retentionSeconds: number;
}

/** A raw point. */
export interface Point {
  time: number;
  value: number;
}

/** One downsampled bucket, starting at `time`. */
export interface Rollup {
  time: number;
  min: number;
  max: number;
  mean: number;
  count: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = {
  rawSeconds: 6 * 3600,
  rawCapacity: 4096,
  rollupSeconds: 300,
  retentionSeconds: 14 * 86_400,
};

/**
 * One time series in bounded memory: a ring of raw points for the recent past, then rollups
 * (min, max, mean, count per bucket) back to the retention horizon. Memory is fixed by the
 * policy, whatever the recording rate. Times must not go backwards.
 */
export class TimeSeries {
  readonly policy: RetentionPolicy;
  private readonly rawTimes: Float64Array;
  private readonly rawValues: Float64Array;
  private rawStart = 0;
  private rawCount = 0;
  private readonly rollups: Rollup[] = [];

  constructor(policy: RetentionPolicy = DEFAULT_RETENTION) {
    if (!(policy.rawCapacity >= 1) || !(policy.rollupSeconds > 0)) throw new RangeError("bad retention policy");
    this.policy = policy;
    this.rawTimes = new Float64Array(policy.rawCapacity);
    this.rawValues = new Float64Array(policy.rawCapacity);
  }

  record(time: number, value: number): void {
    const last = this.latest();
    if (last !== undefined && time < last.time) throw new RangeError(`time goes backwards: ${time} after ${last.time}`);
    if (this.rawCount === this.policy.rawCapacity) this.foldOldest();
    const at = (this.rawStart + this.rawCount) % this.policy.rawCapacity;
    this.rawTimes[at] = time;
    this.rawValues[at] = value;
    this.rawCount++;
    while (this.rawCount > 0 && (this.rawTimes[this.rawStart] as number) < time - this.policy.rawSeconds)
      this.foldOldest();
    const horizon = time - this.policy.retentionSeconds;
    while (this.rollups.length > 0 && (this.rollups[0] as Rollup).time + this.policy.rollupSeconds <= horizon)
      this.rollups.shift();
  }

  /** The newest point, if any. */
  latest(): Point | undefined {
    if (this.rawCount > 0) {
      const at = (this.rawStart + this.rawCount - 1) % this.policy.rawCapacity;
      return { time: this.rawTimes[at] as number, value: this.rawValues[at] as number };
    }
    const rollup = this.rollups.at(-1);
    return rollup === undefined ? undefined : { time: rollup.time, value: rollup.mean };
  }

  /** Raw points with from <= time <= to, oldest first. */
  points(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): Point[] {
    const out: Point[] = [];
    for (let k = 0; k < this.rawCount; k++) {
      const at = (this.rawStart + k) % this.policy.rawCapacity;
      const time = this.rawTimes[at] as number;
      if (time >= from && time <= to) out.push({ time, value: this.rawValues[at] as number });
    }
    return out;
  }

  /** Rollups of the older past (buckets starting within [from, to]), oldest first. */
  history(from = Number.NEGATIVE_INFINITY, to = Number.POSITIVE_INFINITY): Rollup[] {
    return this.rollups.filter((rollup) => rollup.time >= from && rollup.time <= to).map((rollup) => ({ ...rollup }));
  }

  private foldOldest(): void {
    const time = this.rawTimes[this.rawStart] as number;
    const value = this.rawValues[this.rawStart] as number;
    this.rawStart = (this.rawStart + 1) % this.policy.rawCapacity;
    this.rawCount--;
    const bucket = Math.floor(time / this.policy.rollupSeconds) * this.policy.rollupSeconds;
    const last = this.rollups.at(-1);
    if (last !== undefined && last.time === bucket) {
      last.min = Math.min(last.min, value);
      last.max = Math.max(last.max, value);
      last.mean += (value - last.mean) / (last.count + 1);
      last.count++;
    } else {
      this.rollups.push({ time: bucket, min: value, max: value, mean: value, count: 1 });
    }
  }
}

import { type Point, type RetentionPolicy, TimeSeries } from "./time-series.js";

/** Label names and values that tell series of one metric apart, e.g. { vm: "web-1" }. */
export type Labels = Readonly<Record<string, string>>;

/**
 * Labelled time series in bounded memory, as the seed's metrics collector (`Record(name, value,
 * labels)`, `GetLatest(name)`), with time passed in rather than read from a clock. Each series
 * keeps raw points then rollups per its retention policy; the number of series is capped so a
 * label with unbounded values cannot exhaust memory.
 */
export class MetricsCollector {
  readonly retention: RetentionPolicy | undefined;
  readonly maxSeries: number;
  private readonly series = new Map<string, TimeSeries>();

  constructor(options: { retention?: RetentionPolicy; maxSeries?: number } = {}) {
    this.retention = options.retention;
    this.maxSeries = options.maxSeries ?? 100_000;
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /** Records `value` for metric `name` with `labels` at `time` (seconds). */
  record(name: string, value: number, labels: Labels, time: number): void {
    const key = seriesKey(name, labels);
    let series = this.series.get(key);
    if (series === undefined) {
      if (this.series.size >= this.maxSeries)
        throw new RangeError(`metrics collector is full (${this.maxSeries} series); not adding ${key}`);
      series = new TimeSeries(this.retention);
      this.series.set(key, series);
    }
    series.record(time, value);
  }

  /** The newest point of a series, or undefined when nothing was recorded for it. */
  latest(name: string, labels: Labels = {}): Point | undefined {
    return this.series.get(seriesKey(name, labels))?.latest();
  }

  /** The series itself (raw points and rollups), or undefined. */
  get(name: string, labels: Labels = {}): TimeSeries | undefined {
    return this.series.get(seriesKey(name, labels));
  }
}

/** `name{a="1",b="2"}` with labels sorted by name, as Prometheus writes a series. */
export function seriesKey(name: string, labels: Labels): string {
  const names = Object.keys(labels).sort();
  if (names.length === 0) return name;
  return `${name}{${names.map((label) => `${label}=${JSON.stringify(labels[label])}`).join(",")}}`;
}

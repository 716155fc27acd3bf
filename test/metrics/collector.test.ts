import { describe, expect, it } from "vitest";
import { MetricsCollector, seriesKey } from "../../src/metrics/collector.js";
import { TimeSeries } from "../../src/metrics/time-series.js";

describe("MetricsCollector", () => {
  it("records labelled series and answers the latest point, whatever the label order", () => {
    const metrics = new MetricsCollector();
    metrics.record("cpu.utilization", 0.65, { vm: "web-1", zone: "a" }, 100);
    metrics.record("cpu.utilization", 0.7, { zone: "a", vm: "web-1" }, 160);
    metrics.record("cpu.utilization", 0.1, { vm: "web-2", zone: "a" }, 160);
    expect(metrics.latest("cpu.utilization", { vm: "web-1", zone: "a" })).toEqual({ time: 160, value: 0.7 });
    expect(metrics.latest("cpu.utilization", { vm: "web-3" })).toBeUndefined();
    expect(metrics.seriesCount).toBe(2);
    expect(seriesKey("m", { b: "2", a: "1" })).toBe('m{a="1",b="2"}');
  });

  it("caps the number of series", () => {
    const metrics = new MetricsCollector({ maxSeries: 2 });
    metrics.record("m", 1, { id: "1" }, 0);
    metrics.record("m", 1, { id: "2" }, 0);
    expect(() => metrics.record("m", 1, { id: "3" }, 0)).toThrow(/full/);
  });
});

describe("TimeSeries retention", () => {
  const policy = { rawSeconds: 600, rawCapacity: 8, rollupSeconds: 300, retentionSeconds: 3600 };

  it("keeps recent points raw, older ones as rollups, and drops what is past retention", () => {
    const series = new TimeSeries(policy);
    for (let t = 0; t <= 7200; t += 60) series.record(t, t % 300 === 0 ? 10 : 1);
    const raw = series.points();
    expect(raw.length).toBeLessThanOrEqual(8);
    expect((raw[0] as { time: number }).time).toBeGreaterThanOrEqual(7200 - 600);
    const history = series.history();
    expect((history[0] as { time: number }).time).toBeGreaterThanOrEqual(7200 - 3600 - 300);
    // The newest bucket may still be partly raw; the others are whole: five points each.
    for (const rollup of history.slice(0, -1)) {
      expect(rollup.count).toBe(5);
      expect(rollup.max).toBe(10); // every 5-minute bucket holds one 10 and four 1s
      expect(rollup.min).toBe(1);
      expect(rollup.mean).toBeCloseTo(2.8, 9);
    }
    expect(series.latest()).toEqual({ time: 7200, value: 10 });
  });

  it("refuses time going backwards", () => {
    const series = new TimeSeries(policy);
    series.record(10, 1);
    expect(() => series.record(5, 1)).toThrow(/backwards/);
  });
});

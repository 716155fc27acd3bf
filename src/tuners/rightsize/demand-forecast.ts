import { maxOf, quantile } from "../../metrics/quantile.js";
import { medianInterval } from "../../metrics/sample-interval.js";
import { dailyTrend, type Trend } from "../../metrics/trend.js";
import { censoredQuantile } from "./censored.js";
import type { RightSizerConfig } from "./config.js";
import { DAY, dailyStats } from "./daily-stats.js";
import { type Level, projectIntoHorizon } from "./projection.js";
import { dayToDaySpread, needSigma } from "./uncertainty.js";
import { CPU_SATURATED, type VmHistory } from "./vm-history.js";

const MIB = 1 / 1024;

/** What the window says about one resource, and what the horizon will need. */
export interface ResourceForecast {
  /** The policy's statistic (P95 CPU cores, peak memory GiB) over the window, as observed. */
  observed: number;
  /** The same statistic over the horizon, projected (and bumped after saturation or OOM). */
  need: number;
  trend: Trend;
  /** The trend was significant and the policy extrapolates: the projection follows it. */
  extrapolated: boolean;
  /** Relative (log-scale) standard error of `need`. */
  sigma: number;
  /** Set when saturation or OOM kills raised the need above the projection: the raised value. */
  bumpedTo?: number;
}

export interface DemandForecast {
  /** First sample index of the window in the history. */
  from: number;
  samples: number;
  spanSeconds: number;
  end: number;
  cpu: ResourceForecast;
  mem: ResourceForecast;
  /** The largest memory observed in the window (GiB), the floor for any recommendation. */
  memPeak: number;
  /** Share of samples with the CPU at its ceiling. */
  cpuSaturatedShare: number;
  /** OOM kills in the window. */
  ooms: number;
  periodSeconds: number;
  /** How many projected samples the forecast left in its scratch buffers (see RightSizer.projection). */
  projectedCount: number;
}

/** Reusable buffers, so forecasting thousands of VMs allocates little. */
export class ForecastScratch {
  cpu = new Float32Array(4096);
  mem = new Float32Array(4096);
  select = new Float64Array(4096);

  ensure(n: number): void {
    if (this.cpu.length >= n) return;
    const size = 2 ** Math.ceil(Math.log2(n));
    this.cpu = new Float32Array(size);
    this.mem = new Float32Array(size);
    this.select = new Float64Array(size);
  }
}

/**
 * Forecasts a VM's needs over the horizon from its window (the lookback before its newest sample):
 * daily statistics, a trend per resource (significant ones extrapolated when the policy says so),
 * every sample carried into the horizon by whole weeks or days and scaled by the trend, then the
 * policy's statistic of the carried samples. Saturated CPU and OOM kills raise the needs, since
 * the true demand there was cut off at the ceiling.
 */
export function forecastDemand(history: VmHistory, config: RightSizerConfig, scratch: ForecastScratch): DemandForecast {
  const { policy } = config;
  const end = history.lastTime;
  const from = history.indexAt(end - config.lookbackSeconds);
  const to = history.length;
  const n = to - from;
  scratch.ensure(n);
  const times = history.times.subarray(from, to);
  const interval = medianInterval(times);
  const perDay = Number.isFinite(interval) && interval > 0 ? DAY / interval : n;
  const minPerDay = Math.max(1, Math.floor(perDay / 2));
  const spanSeconds = end - (history.times[from] as number);
  const cpuDays = dailyStats(
    history.times,
    history.cpuCores,
    from,
    to,
    end,
    policy.cpuQuantile,
    minPerDay,
    scratch.select,
  );
  const memDays = dailyStats(
    history.times,
    history.memGiB,
    from,
    to,
    end,
    policy.memQuantile,
    minPerDay,
    scratch.select,
  );
  const cpuTrend = dailyTrend(cpuDays.mean, config.trendAlpha);
  const memTrend = dailyTrend(memDays.mean, config.trendAlpha);
  const level = (trend: Trend): Level | null =>
    policy.extrapolateTrend && trend.significant
      ? { end, levelAtEnd: trend.levelAtEnd, slopePerDay: trend.slopePerDay }
      : null;
  const period = spanSeconds >= 7 * DAY - Math.max(interval, 3600) ? 7 * DAY : DAY;
  const horizon = config.horizonSeconds;
  const projection = projectIntoHorizon(
    history.times,
    history.cpuCores,
    history.memGiB,
    from,
    to,
    end,
    horizon,
    period,
    level(cpuTrend),
    level(memTrend),
    scratch,
  );
  const projectedCpu = projection.cpu.subarray(0, projection.count);
  const projectedMem = projection.mem.subarray(0, projection.count);
  const memPeak = maxOf(history.memGiB.subarray(from, to));
  const statistic = (values: ArrayLike<number>, q: number) =>
    values.length === 0 ? Number.NaN : q >= 1 ? maxOf(values) : quantile(values, q, scratch.select);
  const observedDays = countFinite(cpuDays.mean);
  const horizonDays = horizon / DAY;
  const cpu: ResourceForecast = {
    observed: statistic(history.cpuCores.subarray(from, to), policy.cpuQuantile),
    need: statistic(projectedCpu, policy.cpuQuantile),
    trend: cpuTrend,
    extrapolated: level(cpuTrend) !== null,
    sigma: needSigma(dayToDaySpread(cpuDays.quantile), observedDays, horizonDays, cpuTrend, spanSeconds),
  };
  const mem: ResourceForecast = {
    observed: statistic(history.memGiB.subarray(from, to), policy.memQuantile),
    need: Math.max(statistic(projectedMem, policy.memQuantile), memPeak),
    trend: memTrend,
    extrapolated: level(memTrend) !== null,
    sigma: needSigma(
      dayToDaySpread(policy.memQuantile >= 1 ? memDays.max : memDays.quantile),
      observedDays,
      horizonDays,
      memTrend,
      spanSeconds,
    ),
  };
  let saturated = 0;
  let ceiling = 0;
  for (let i = from; i < to; i++) {
    if (((history.flags[i] as number) & CPU_SATURATED) !== 0) {
      saturated++;
      ceiling = Math.max(ceiling, history.cpuCores[i] as number);
    }
  }
  const cpuSaturatedShare = n > 0 ? saturated / n : 0;
  // A statistic that lands on the ceiling says only "at least this much": size for 20% more, or
  // for what the uncensored part of the distribution implies when that is more (censored.ts).
  if (saturated > 0 && cpuSaturatedShare >= 1 - policy.cpuQuantile) {
    const window = history.cpuCores.subarray(from, to);
    const implied = censoredQuantile(window, cpuSaturatedShare, ceiling, policy.cpuQuantile, scratch.select);
    bump(cpu, Math.max(ceiling * 1.2, Math.min(implied ?? 0, ceiling * 4)));
  }
  // VPA's OOM rule (model/container.go): a synthetic peak of max(used + 100 MiB, used × 1.2),
  // used = max(the memory the VM had, the observed peak).
  const ooms = history.ooms.filter((oom) => oom.time >= end - config.lookbackSeconds);
  if (ooms.length > 0) {
    const used = Math.max(memPeak, ...ooms.map((oom) => oom.capacityGiB));
    bump(mem, Math.max(used + 100 * MIB, used * 1.2));
  }
  return {
    from,
    samples: n,
    spanSeconds,
    end,
    cpu,
    mem,
    memPeak,
    cpuSaturatedShare,
    ooms: ooms.length,
    periodSeconds: projection.periodSeconds,
    projectedCount: projection.count,
  };
}

function bump(resource: ResourceForecast, to: number): void {
  if (to > resource.need) {
    resource.need = to;
    resource.bumpedTo = to;
  }
}

function countFinite(values: Float64Array): number {
  let count = 0;
  for (const v of values) if (Number.isFinite(v)) count++;
  return count;
}

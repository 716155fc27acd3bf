import type { RandomStream } from "../rng.js";
import type { VmSpec } from "./shapes.js";

/** A VM's true demand at one instant: what it would use with unlimited capacity. */
export interface Demand {
  cpuCores: number;
  memGiB: number;
  iops: number;
  netMbps: number;
}

/** Demand series (one value per step) as typed arrays. */
export interface DemandSeries {
  cpuCores: Float32Array;
  memGiB: Float32Array;
  iops: Float32Array;
  netMbps: Float32Array;
}

const DAY = 86_400;
/** Time constants of the slow noise: CPU wanders over ~100 minutes, memory over ~6 hours. */
const CPU_WANDER_SECONDS = 6000;
const MEM_WANDER_SECONDS = 6 * 3600;

/**
 * One VM's demand over time, generated step by step from its own random stream and kept, so
 * `demandAt` and `series` answer any time in any order with the same values. CPU is
 * level × daily cycle × weekend factor × growth × a factor per day × slow and fast noise, or a
 * spike; memory follows its level, a little of the daily cycle, its growth and slow noise.
 */
export class VmWorkload {
  readonly spec: VmSpec;
  readonly start: number;
  readonly stepSeconds: number;
  private readonly stream: RandomStream;
  private series: DemandSeries = allocate(1024);
  private generated = 0;
  private cpuAr = 0;
  private memAr = 0;
  private day = Number.NaN;
  private dayFactor = 1;
  private nextSpike = Number.NaN;
  private spikeUntil = -1;

  constructor(spec: VmSpec, stream: RandomStream, start: number, stepSeconds: number) {
    this.spec = spec;
    this.stream = stream;
    this.start = start;
    this.stepSeconds = stepSeconds;
    this.cpuAr = stream.normal(0, spec.cpuWander);
    this.memAr = stream.normal(0, spec.memNoise);
  }

  /** Demand at time `t` (seconds, same origin as `start`), held over each step. */
  demandAt(t: number): Demand {
    const step = Math.max(0, Math.floor((t - this.start) / this.stepSeconds));
    this.ensure(step + 1);
    const s = this.series;
    return {
      cpuCores: s.cpuCores[step] as number,
      memGiB: s.memGiB[step] as number,
      iops: s.iops[step] as number,
      netMbps: s.netMbps[step] as number,
    };
  }

  /** Steps [from, from + count) as fresh arrays. */
  range(from: number, count: number): DemandSeries {
    this.ensure(from + count);
    const s = this.series;
    return {
      cpuCores: s.cpuCores.slice(from, from + count),
      memGiB: s.memGiB.slice(from, from + count),
      iops: s.iops.slice(from, from + count),
      netMbps: s.netMbps.slice(from, from + count),
    };
  }

  /** Generates up to (not including) step `steps`. */
  ensure(steps: number): void {
    if (steps <= this.generated) return;
    if (steps > this.series.cpuCores.length) {
      const grown = allocate(Math.max(steps, this.series.cpuCores.length * 2));
      for (const key of ["cpuCores", "memGiB", "iops", "netMbps"] as const) grown[key].set(this.series[key]);
      this.series = grown;
    }
    for (let step = this.generated; step < steps; step++) this.generate(step);
    this.generated = steps;
  }

  private generate(step: number): void {
    const { spec, stream } = this;
    const t = this.start + step * this.stepSeconds;
    const days = (t - this.start) / DAY;
    const day = Math.floor(t / DAY);
    if (day !== this.day) {
      this.day = day;
      this.dayFactor = spec.dayNoise > 0 ? Math.exp(stream.normal(0, spec.dayNoise)) : 1;
    }
    const phi = Math.exp(-this.stepSeconds / CPU_WANDER_SECONDS);
    this.cpuAr = phi * this.cpuAr + Math.sqrt(1 - phi * phi) * stream.normal(0, spec.cpuWander);
    const white = Math.max(-0.9, stream.normal(0, spec.cpuNoise));
    const hour = (((t % DAY) + DAY) % DAY) / 3600;
    const cycle = ((1 + Math.cos((2 * Math.PI * (hour - spec.peakHour)) / 24)) / 2) ** 2;
    const pattern = spec.cpuTrough + (1 - spec.cpuTrough) * cycle;
    // 1970-01-01 was a Thursday: with Monday = 0, weekday = (day + 3) mod 7.
    const weekday = (((day + 3) % 7) + 7) % 7;
    const weekly = weekday >= 5 ? spec.weekendFactor : 1;
    const growth = 1 + spec.cpuGrowthPerDay * days;
    let cpu = spec.cpuLevel * pattern * weekly * growth * this.dayFactor * Math.exp(this.cpuAr) * (1 + white);
    if (spec.spikesPerDay > 0) cpu = this.spike(step, cpu, white);
    const memPhi = Math.exp(-this.stepSeconds / MEM_WANDER_SECONDS);
    this.memAr = memPhi * this.memAr + Math.sqrt(1 - memPhi * memPhi) * stream.normal(0, spec.memNoise);
    const mem =
      spec.memLevel * (1 + spec.memDaily * (pattern - 0.5)) * (1 + spec.memGrowthPerDay * days) * Math.exp(this.memAr);
    const s = this.series;
    s.cpuCores[step] = cpu;
    s.memGiB[step] = mem;
    s.iops[step] = Math.max(0, cpu * spec.iopsPerCore * (1 + stream.normal(0, 0.2)));
    s.netMbps[step] = Math.max(0, cpu * spec.netMbpsPerCore * (1 + stream.normal(0, 0.2)));
  }

  /** Poisson spike arrivals; during a spike the demand is the spike height over the level. */
  private spike(step: number, cpu: number, white: number): number {
    const { spec, stream } = this;
    const stepsPerDay = DAY / this.stepSeconds;
    if (Number.isNaN(this.nextSpike)) this.nextSpike = stream.exponential(spec.spikesPerDay / stepsPerDay);
    if (step >= this.nextSpike) {
      const length = Math.max(1, Math.round((spec.spikeMinutes * 60 * stream.between(0.5, 1.5)) / this.stepSeconds));
      this.spikeUntil = step + length;
      this.nextSpike = step + stream.exponential(spec.spikesPerDay / stepsPerDay);
    }
    return step < this.spikeUntil ? spec.cpuLevel * spec.spikeHeight * (1 + white) : cpu;
  }
}

function allocate(n: number): DemandSeries {
  return {
    cpuCores: new Float32Array(n),
    memGiB: new Float32Array(n),
    iops: new Float32Array(n),
    netMbps: new Float32Array(n),
  };
}

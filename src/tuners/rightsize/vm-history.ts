import type { InstanceType } from "../../catalog/instance-type.js";

/** One observation of a VM, as a monitoring agent or the trace CSV gives it. */
export interface UsageSample {
  /** Seconds (Unix time or any fixed origin); non-decreasing per VM. */
  time: number;
  /** Fraction 0-1 of the instance's vCPUs busy over the sample interval. */
  cpu: number;
  /** Fraction 0-1 of the instance's memory in use. */
  mem: number;
  iops?: number;
  netMbps?: number;
  /** An out-of-memory kill happened in this interval. */
  oom?: boolean;
  /** Tags of the VM ("interruptible", "steady"); merged into the VM's tag set. */
  tags?: readonly string[];
}

/** Flag bits stored per sample. */
export const CPU_SATURATED = 1;
export const OOM = 2;
/** A utilisation at or above this reads as "at the ceiling": the true demand may be higher. */
export const SATURATION = 0.99;

/**
 * The retained observations of one VM in typed arrays: demand in absolute units (cores, GiB),
 * converted with the instance type of each sample so a resize mid-history changes nothing.
 * Samples older than the lookback before the newest one are dropped as the arrays fill up, so
 * memory stays bounded by the lookback (16 bytes and one flag byte a sample).
 */
export class VmHistory {
  readonly id: string;
  readonly tags = new Set<string>();
  /** The instance type of the newest sample. */
  type: InstanceType;
  times: Float64Array;
  cpuCores: Float32Array;
  memGiB: Float32Array;
  flags: Uint8Array;
  /** Network Mbps per sample, allocated when the first sample carries it. */
  netMbps: Float32Array | null = null;
  /** Number of retained samples (indices 0 .. length-1). */
  length = 0;
  /** OOM kills: when, and the memory (GiB) of the type the VM had then. */
  readonly ooms: { time: number; capacityGiB: number }[] = [];
  private readonly lookbackSeconds: number;

  constructor(id: string, type: InstanceType, lookbackSeconds: number, capacity = 256) {
    this.id = id;
    this.type = type;
    this.lookbackSeconds = lookbackSeconds;
    this.times = new Float64Array(capacity);
    this.cpuCores = new Float32Array(capacity);
    this.memGiB = new Float32Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  get lastTime(): number {
    return this.length === 0 ? Number.NaN : (this.times[this.length - 1] as number);
  }

  get firstTime(): number {
    return this.length === 0 ? Number.NaN : (this.times[0] as number);
  }

  /** Appends one sample measured on `type`; throws RangeError when time goes backwards. */
  push(sample: UsageSample, type: InstanceType): void {
    const { time } = sample;
    if (this.length > 0 && time < (this.times[this.length - 1] as number)) {
      throw new RangeError(`time goes backwards for vm '${this.id}': ${time} after ${this.lastTime}`);
    }
    if (this.length === this.times.length) this.makeRoom(time);
    const i = this.length++;
    this.type = type;
    this.times[i] = time;
    this.cpuCores[i] = sample.cpu * type.vcpus;
    this.memGiB[i] = sample.mem * type.memoryGiB;
    this.flags[i] = (sample.cpu >= SATURATION ? CPU_SATURATED : 0) | (sample.oom === true ? OOM : 0);
    if (sample.netMbps !== undefined) {
      if (this.netMbps === null) this.netMbps = new Float32Array(this.times.length).fill(Number.NaN);
      this.netMbps[i] = sample.netMbps;
    } else if (this.netMbps !== null) {
      this.netMbps[i] = Number.NaN;
    }
    if (sample.oom === true) {
      this.ooms.push({ time, capacityGiB: type.memoryGiB });
      while ((this.ooms[0] as { time: number }).time < time - this.lookbackSeconds) this.ooms.shift();
    }
    if (sample.tags !== undefined) for (const tag of sample.tags) this.tags.add(tag);
  }

  /** Index of the first sample at or after `time` (binary search). */
  indexAt(time: number): number {
    let low = 0;
    let high = this.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.times[mid] as number) < time) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Drops samples older than the lookback, or grows the arrays when all are still needed. */
  private makeRoom(now: number): void {
    const drop = this.indexAt(now - this.lookbackSeconds);
    if (drop > this.length / 4) {
      this.times.copyWithin(0, drop, this.length);
      this.cpuCores.copyWithin(0, drop, this.length);
      this.memGiB.copyWithin(0, drop, this.length);
      this.flags.copyWithin(0, drop, this.length);
      this.netMbps?.copyWithin(0, drop, this.length);
      this.length -= drop;
      return;
    }
    // Grow to what the lookback will hold at the sampling rate seen so far (at least double).
    const span = now - (this.times[0] as number);
    const expected = span > 0 ? Math.ceil((this.lookbackSeconds / span) * this.length) + 64 : 0;
    const capacity = Math.max(this.times.length * 2, Math.min(expected, 1 << 24));
    this.times = grow(this.times, new Float64Array(capacity));
    this.cpuCores = grow(this.cpuCores, new Float32Array(capacity));
    this.memGiB = grow(this.memGiB, new Float32Array(capacity));
    this.flags = grow(this.flags, new Uint8Array(capacity));
    if (this.netMbps !== null) this.netMbps = grow(this.netMbps, new Float32Array(capacity));
  }
}

function grow<T extends Float64Array | Float32Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

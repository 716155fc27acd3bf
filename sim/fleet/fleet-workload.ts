import type { InstanceCatalog } from "../../src/catalog/instance-catalog.js";
import { RandomStreams } from "../rng.js";
import { DEFAULT_MIX, drawSpec, type Shape, type VmSpec } from "./shapes.js";
import { type Demand, type DemandSeries, VmWorkload } from "./vm-workload.js";

/** 2026-01-05T00:00:00Z, a Monday: generated traces start on a week boundary. */
export const DEFAULT_START = Date.UTC(2026, 0, 5) / 1000;

export interface FleetOptions {
  seed: number | string;
  vms: number;
  catalog: InstanceCatalog;
  /** Seconds between samples (default 300, five minutes). */
  stepSeconds?: number;
  /** Unix seconds of step 0 (default DEFAULT_START). */
  start?: number;
  /** Relative weights of the shapes (default DEFAULT_MIX). */
  mix?: Partial<Record<Shape, number>>;
  /** Share of VMs tagged interruptible (default 0.15). */
  interruptibleShare?: number;
  /** Days over which growth must stay inside the catalog (default 28). */
  maxDays?: number;
}

/**
 * A generated fleet: N VMs, each with a shape, a current instance type and a demand series at a
 * fixed step. VM i draws everything from the substream `vm-i` of the seed, so adding VMs or
 * asking for them in another order never changes the others. This is the twin's workload for
 * fleet experiments: the right-sizer sees only the censored trace (what monitoring reports),
 * while `demandAt` and `series` give the true demand, future included.
 */
export class FleetWorkload {
  readonly size: number;
  readonly start: number;
  readonly stepSeconds: number;
  readonly catalog: InstanceCatalog;
  private readonly seed: number | string;
  private readonly mix: Readonly<Record<Shape, number>>;
  private readonly interruptibleShare: number;
  private readonly maxDays: number;
  private readonly workloads = new Map<number, VmWorkload>();

  constructor(options: FleetOptions) {
    if (!Number.isInteger(options.vms) || options.vms < 0) throw new RangeError("vms must be a non-negative integer");
    this.size = options.vms;
    this.catalog = options.catalog;
    this.start = options.start ?? DEFAULT_START;
    this.stepSeconds = options.stepSeconds ?? 300;
    this.seed = options.seed;
    this.mix = { ...DEFAULT_MIX, ...options.mix };
    this.interruptibleShare = options.interruptibleShare ?? 0.15;
    this.maxDays = options.maxDays ?? 28;
  }

  /** VM i's specification (shape, current type, tags, demand parameters). */
  spec(i: number): VmSpec {
    return this.workload(i).spec;
  }

  /** VM i's demand at time t (Unix seconds), held over each step. */
  demandAt(i: number, t: number): Demand {
    return this.workload(i).demandAt(t);
  }

  /** VM i's demand for steps [fromStep, fromStep + count). */
  series(i: number, fromStep: number, count: number): DemandSeries {
    return this.workload(i).range(fromStep, count);
  }

  /** Drops VM i's generated series from memory (it is regenerated identically on the next call). */
  forget(i: number): void {
    this.workloads.delete(i);
  }

  private workload(i: number): VmWorkload {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) throw new RangeError(`no vm ${i} in a fleet of ${this.size}`);
    let workload = this.workloads.get(i);
    if (workload === undefined) {
      // A fresh stream per generation, so regenerating after forget() repeats the same draws.
      const stream = new RandomStreams(this.seed).stream(`vm-${i}`);
      const spec = drawSpec(i, stream, this.catalog, this.mix, this.maxDays, this.interruptibleShare);
      workload = new VmWorkload(spec, stream, this.start, this.stepSeconds);
      this.workloads.set(i, workload);
    }
    return workload;
  }
}

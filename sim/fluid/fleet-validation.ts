import { policy } from "../../src/tuners/rightsize/policy.js";
import type { FleetDecision } from "./fleet-decisions.js";
import type { FleetSimulation, FleetVm } from "./fleet-model.js";
import { fleetTags } from "./fleet-setup.js";

const BINS = 100;

/** A resized VM whose P95 utilization in validation passes the CPU target by this much is reverted. */
const UTILIZATION_MARGIN = 0.1;
/**
 * A resize is reverted when its VM saturates in more than this share of the validation steps
 * beyond its untuned twin: a step or two can come from its host alone, busier in the tuned fleet.
 */
const SATURATION_MARGIN = 0.01;
/** A pricing move that fails this many more of a VM's requests than before is reverted. */
const FAILURE_MARGIN = 0.05;

/** Per VM, what the untuned and the tuned fleet did during validation. */
class Side {
  readonly saturated: Float64Array;
  readonly served: Float64Array;
  readonly latencyWeighted: Float64Array;
  readonly offered: Float64Array;
  readonly cost: Float64Array;
  /** Per VM, the steps both sides were up: what saturation and utilization are counted over. */
  readonly upSteps: Float64Array;
  /** Per VM, utilization samples in 1% bins, of the steps both sides were up. */
  readonly bins: Float64Array;

  constructor(n: number) {
    this.saturated = new Float64Array(n);
    this.served = new Float64Array(n);
    this.latencyWeighted = new Float64Array(n);
    this.offered = new Float64Array(n);
    this.cost = new Float64Array(n);
    this.bins = new Float64Array(n * BINS);
    this.upSteps = new Float64Array(n);
  }

  /**
   * One step. Saturation and utilization count only the steps where the VM was up on both sides:
   * a VM taken off spot is up while its untuned twin is reclaimed, and those steps say nothing
   * about its size.
   */
  add(simulation: FleetSimulation, other: FleetSimulation): void {
    const { servedRps, latencyMs, offeredRps, state, vms } = simulation;
    for (let i = 0; i < vms.length; i++) {
      const bothUp = state[i] !== 2 && other.state[i] !== 2;
      if (bothUp) this.upSteps[i] = (this.upSteps[i] as number) + 1;
      if (bothUp && state[i] === 1) this.saturated[i] = (this.saturated[i] as number) + 1;
      this.served[i] = (this.served[i] as number) + (servedRps[i] as number);
      this.latencyWeighted[i] =
        (this.latencyWeighted[i] as number) + (servedRps[i] as number) * (latencyMs[i] as number);
      this.offered[i] = (this.offered[i] as number) + (offeredRps[i] as number);
      this.cost[i] = (this.cost[i] as number) + (vms[i] as FleetVm).hourlyUsd;
      if (bothUp) recordUtilization(this.bins, i, BINS, simulation.utilization[i] as number);
    }
  }

  p95(i: number): number {
    return binnedQuantile(this.bins.subarray(i * BINS, (i + 1) * BINS), 0.95);
  }

  /** Served per ms of mean latency per dollar, summed over the validation steps. */
  score(i: number): number {
    const served = this.served[i] as number;
    const latency = served > 0 ? (this.latencyWeighted[i] as number) / served : 0;
    return served / Math.max(latency, 1e-6) / Math.max(this.cost[i] as number, 1e-9);
  }

  failedShare(i: number): number {
    const offered = this.offered[i] as number;
    return offered > 0 ? 1 - (this.served[i] as number) / offered : 0;
  }
}

/**
 * Judges a fleet's changes after their validation period, each VM against its untuned twin on
 * the same random numbers: a resize is reverted when the VM saturated more often (by over 1% of
 * the steps), or when its P95 utilization passed the engine's CPU target by more than 10 points
 * and is higher than it would have been untuned (a VM already pinned at its ceiling before, on
 * the largest type, is not made worse by a cheaper type of the same vCPUs); a pricing move when
 * it failed noticeably more requests, unless the work is interruptible.
 */
export class FleetValidation {
  private readonly untuned: Side;
  private readonly tuned: Side;

  constructor(
    n: number,
    /** The right-sizing policy's CPU target (balanced: P95 at most 80% of the vCPUs). */
    private readonly cpuTarget = policy("balanced").cpuTarget,
  ) {
    this.untuned = new Side(n);
    this.tuned = new Side(n);
  }

  add(untuned: FleetSimulation, tuned: FleetSimulation): void {
    this.untuned.add(untuned, tuned);
    this.tuned.add(tuned, untuned);
  }

  judge(decision: FleetDecision, vm: FleetVm): { keep: boolean; impactPct: number; reason: string } {
    const i = decision.vm;
    const before = this.untuned.score(i);
    const impactPct = before > 0 ? (this.tuned.score(i) / before - 1) * 100 : 0;
    if (decision.component === "rightsizing") {
      const saturated = this.tuned.saturated[i] as number;
      const was = this.untuned.saturated[i] as number;
      const steps = this.tuned.upSteps[i] as number;
      if (saturated > was + SATURATION_MARGIN * steps)
        return {
          keep: false,
          impactPct,
          reason: `saturated in ${saturated} of ${steps} validation steps it was up (untuned: ${was}; more than 1% more reverts)`,
        };
      const p95 = this.tuned.p95(i);
      if (p95 > this.cpuTarget + UTILIZATION_MARGIN && p95 > this.untuned.p95(i))
        return {
          keep: false,
          impactPct,
          reason: `P95 CPU ${(p95 * 100).toFixed(0)}% on ${vm.vcpus} vCPUs (${vm.instanceType}) in validation: above the target`,
        };
      return {
        keep: true,
        impactPct,
        reason: `P95 CPU ${(p95 * 100).toFixed(0)}% on ${vm.vcpus} vCPUs (${vm.instanceType}) in validation`,
      };
    }
    const failed = this.tuned.failedShare(i) - this.untuned.failedShare(i);
    if (failed > FAILURE_MARGIN && !fleetTags(vm).includes("interruptible"))
      return { keep: false, impactPct, reason: `${(failed * 100).toFixed(1)}% more requests failed on ${decision.to}` };
    return {
      keep: true,
      impactPct,
      reason: `failed requests ${failed >= 0 ? "+" : ""}${(failed * 100).toFixed(2)} points on ${decision.to}`,
    };
  }
}

/** The q-quantile of utilization recorded in `bins` equal bins over [0, 1] (the bin's upper edge). */
export function binnedQuantile(counts: ArrayLike<number>, q: number): number {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] as number;
  if (total === 0) return 0;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i] as number;
    if (seen >= q * total) return (i + 1) / counts.length;
  }
  return 1;
}

/** Records a utilization sample into a VM's bins. */
export function recordUtilization(bins: Float64Array, vm: number, binCount: number, utilization: number): void {
  const bin = Math.min(binCount - 1, Math.max(0, Math.floor(utilization * binCount)));
  const index = vm * binCount + bin;
  bins[index] = (bins[index] as number) + 1;
}

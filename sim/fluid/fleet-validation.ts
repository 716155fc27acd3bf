import { CPU_TARGET_BAND } from "../../src/tuners/fleet-sizing.js";
import { binnedQuantile, type FleetDecision, recordUtilization } from "./fleet-decisions.js";
import type { FleetSimulation, FleetVm } from "./fleet-model.js";
import { fleetTags } from "./fleet-setup.js";

const BINS = 100;
/** A resized VM whose P95 utilization in validation passes the band's top by this much is reverted. */
const UTILIZATION_MARGIN = 0.1;
/** A pricing move that fails this many more of a VM's requests than before is reverted. */
const FAILURE_MARGIN = 0.05;

/** Per VM, what the untuned and the tuned fleet did during validation. */
class Side {
  readonly saturated: Float64Array;
  readonly served: Float64Array;
  readonly latencyWeighted: Float64Array;
  readonly offered: Float64Array;
  readonly cost: Float64Array;

  constructor(n: number) {
    this.saturated = new Float64Array(n);
    this.served = new Float64Array(n);
    this.latencyWeighted = new Float64Array(n);
    this.offered = new Float64Array(n);
    this.cost = new Float64Array(n);
  }

  add(simulation: FleetSimulation): void {
    const { servedRps, latencyMs, offeredRps, state, vms } = simulation;
    for (let i = 0; i < vms.length; i++) {
      if (state[i] === 1) this.saturated[i] = (this.saturated[i] as number) + 1;
      this.served[i] = (this.served[i] as number) + (servedRps[i] as number);
      this.latencyWeighted[i] =
        (this.latencyWeighted[i] as number) + (servedRps[i] as number) * (latencyMs[i] as number);
      this.offered[i] = (this.offered[i] as number) + (offeredRps[i] as number);
      this.cost[i] = (this.cost[i] as number) + (vms[i] as FleetVm).hourlyUsd;
    }
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
 * the same random numbers: a resize is reverted when the VM saturated more often or its P95
 * utilization left the target band by more than 10 points; a pricing move when it failed
 * noticeably more requests, unless the work is interruptible.
 */
export class FleetValidation {
  private readonly untuned: Side;
  private readonly tuned: Side;
  private readonly bins: Float64Array;
  private steps = 0;

  constructor(n: number) {
    this.untuned = new Side(n);
    this.tuned = new Side(n);
    this.bins = new Float64Array(n * BINS);
  }

  add(untuned: FleetSimulation, tuned: FleetSimulation): void {
    this.steps++;
    this.untuned.add(untuned);
    this.tuned.add(tuned);
    for (let i = 0; i < tuned.vms.length; i++)
      if (tuned.state[i] !== 2) recordUtilization(this.bins, i, BINS, tuned.utilization[i] as number);
  }

  judge(decision: FleetDecision, vm: FleetVm): { keep: boolean; impactPct: number; reason: string } {
    const i = decision.vm;
    const before = this.untuned.score(i);
    const impactPct = before > 0 ? (this.tuned.score(i) / before - 1) * 100 : 0;
    if (decision.component === "rightsizing") {
      const saturated = this.tuned.saturated[i] as number;
      const was = this.untuned.saturated[i] as number;
      if (saturated > was)
        return {
          keep: false,
          impactPct,
          reason: `saturated in ${saturated} of ${this.steps} validation steps (untuned: ${was})`,
        };
      const p95 = binnedQuantile(this.bins.subarray(i * BINS, (i + 1) * BINS), 0.95);
      if (p95 > CPU_TARGET_BAND.max + UTILIZATION_MARGIN)
        return {
          keep: false,
          impactPct,
          reason: `P95 CPU ${(p95 * 100).toFixed(0)}% on ${vm.vcpus} vCPUs in validation: above the band`,
        };
      return { keep: true, impactPct, reason: `P95 CPU ${(p95 * 100).toFixed(0)}% on ${vm.vcpus} vCPUs in validation` };
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

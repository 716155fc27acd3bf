import { LogHistogram } from "../../src/metrics/log-histogram.js";
import type { CostItem, EvaluationDetail, RunMetrics } from "../../src/report/run-result.js";
import { latencyBuckets } from "../run-detail.js";
import type { FleetSimulation, FleetStep, FleetVm } from "./fleet-model.js";
import { costGroup } from "./fleet-setup.js";

const HOURS_PER_MONTH = 730;

/**
 * Accumulates a fleet's figures over steps: requests served and failed, host utilization, memory
 * in use against memory allocated, cost,
 * and the distribution of each VM's mean latency per step, weighted by the requests it served.
 */
export class FleetMeter {
  readonly latencyUs = new LogHistogram(64);
  private steps = 0;
  private served = 0;
  private failed = 0;
  private utilization = 0;
  private hourly = 0;
  private memory = 0;
  private servedByVm: Float64Array | undefined;

  constructor(
    private readonly stepMs: number,
    /** GiB of memory a VM's type has (its catalog type's). */
    private readonly memoryOf: (vm: FleetVm) => number,
  ) {}

  add(simulation: FleetSimulation, step: FleetStep): void {
    this.steps++;
    this.served += step.throughputRps;
    this.failed += step.failedRps;
    this.utilization += step.meanHostUtilization;
    this.hourly += (step.costUsd * 3_600_000) / this.stepMs;
    let used = 0;
    let allocated = 0;
    for (const vm of simulation.vms) {
      used += vm.memoryGiB;
      allocated += this.memoryOf(vm);
    }
    this.memory += allocated > 0 ? used / allocated : 0;
    const seconds = this.stepMs / 1000;
    const { servedRps, latencyMs } = simulation;
    this.servedByVm ??= new Float64Array(servedRps.length);
    const byVm = this.servedByVm;
    for (let i = 0; i < servedRps.length; i++) {
      const rate = servedRps[i] as number;
      const latency = latencyMs[i] as number;
      byVm[i] = (byVm[i] as number) + rate;
      if (rate > 0 && latency > 0) this.latencyUs.record(latency * 1000, rate * seconds);
    }
  }

  metrics(): RunMetrics {
    const n = Math.max(1, this.steps);
    const offered = this.served + this.failed;
    return {
      throughputRps: this.served / n,
      p95LatencyMs: this.latencyUs.count > 0 ? this.latencyUs.quantile(0.95) / 1000 : 0,
      cpuUtil: this.utilization / n,
      // The fleet's resident memory over the memory its types give it: right-sizing moves it.
      memUtil: this.memory / n,
      // The fluid mode has no disks.
      monthlyCostUsd: (this.hourly / n) * HOURS_PER_MONTH,
      iops: 0,
      errorRate: offered > 0 ? this.failed / offered : 0,
    };
  }

  /** Latency buckets, and cost and throughput by group of VMs (size and pricing as they are now: decisions end before a measurement starts). */
  detail(simulation: FleetSimulation): EvaluationDetail {
    const n = Math.max(1, this.steps);
    const groups = new Map<string, { hourly: number; served: number }>();
    simulation.vms.forEach((vm, i) => {
      const name = costGroup(vm);
      const group = groups.get(name) ?? { hourly: 0, served: 0 };
      group.hourly += vm.hourlyUsd;
      group.served += (this.servedByVm?.[i] ?? 0) / n;
      groups.set(name, group);
    });
    const costs: CostItem[] = [...groups.entries()]
      .sort((a, b) => a[0].localeCompare(b[0], "en", { numeric: true }))
      .map(([name, g]) => ({ name, monthlyCostUsd: g.hourly * HOURS_PER_MONTH, throughputRps: g.served }));
    return { latency: latencyBuckets(this.latencyUs), costs };
  }
}

import { maxOf, quantile } from "../../src/metrics/quantile.js";
import { looksIdle } from "../../src/tuners/rightsize/idle.js";
import { policy as namedPolicy, type SizingPolicy } from "../../src/tuners/rightsize/policy.js";
import { cheapestHolding } from "../../src/tuners/rightsize/type-choice.js";
import type { FleetWorkload } from "./fleet-workload.js";
import type { Shape } from "./shapes.js";

/** The right answer for one VM over the horizon after the trace, from its true future demand. */
export interface VmTruth {
  vm: string;
  shape: Shape;
  /** Its type in the trace. */
  from: string;
  /** The cheapest type that holds the future demand under the policy; null when none does. */
  type: string | null;
  /** Idle over the whole horizon by the right-sizer's idle rule (terminate is right). */
  idle: boolean;
  /** The policy's statistics of the future demand. */
  p95CpuCores: number;
  peakMemGiB: number;
  tags: string[];
}

export interface FleetTruth {
  seed: number | string;
  vms: number;
  traceDays: number;
  horizonDays: number;
  stepSeconds: number;
  policy: string;
  truth: VmTruth[];
}

const DAY = 86_400;

/**
 * The truth for VM i: its demand in the `horizonDays` after the first `traceDays` (which the
 * engine never sees), judged by the policy's rule with exact knowledge (cheapestHolding).
 */
export function vmTruth(
  fleet: FleetWorkload,
  i: number,
  traceDays: number,
  horizonDays: number,
  policy: SizingPolicy = namedPolicy("balanced"),
): VmTruth {
  const perDay = DAY / fleet.stepSeconds;
  const from = Math.round(traceDays * perDay);
  const count = Math.round(horizonDays * perDay);
  const future = fleet.series(i, from, count);
  const spec = fleet.spec(i);
  const p95CpuCores = quantile(future.cpuCores, policy.cpuQuantile);
  const peakMemGiB = policy.memQuantile >= 1 ? maxOf(future.memGiB) : quantile(future.memGiB, policy.memQuantile);
  return {
    vm: spec.id,
    shape: spec.shape,
    from: spec.type.name,
    type: cheapestHolding(fleet.catalog, p95CpuCores, peakMemGiB, policy)?.name ?? null,
    idle: looksIdle(future.cpuCores, spec.type.vcpus),
    p95CpuCores,
    peakMemGiB,
    tags: [...spec.tags],
  };
}

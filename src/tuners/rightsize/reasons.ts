import type { InstanceType } from "../../catalog/instance-type.js";
import { grouped } from "../../number-text.js";
import type { DemandForecast, ResourceForecast } from "./demand-forecast.js";
import type { SizingPolicy } from "./policy.js";

const DAY = 86_400;

export const percent = (fraction: number, digits = 0) => `${(fraction * 100).toFixed(digits)}%`;
export const cores = (value: number) => `${value.toFixed(2)} cores`;
export const gib = (value: number) => `${value < 10 ? value.toFixed(2) : value.toFixed(1)} GiB`;
export const usd = (value: number) => `$${value.toFixed(2)}`;

function quantileName(q: number, resource: string): string {
  if (q >= 1) return `peak ${resource}`;
  return `P${String(Number((q * 100).toFixed(1)))} ${resource}`;
}

/** "P95 CPU 1.23 cores (31% of m5.xlarge's 4 vCPUs) and peak memory 5.10 GiB (32% of 16 GiB) over 14.0 days (4,032 samples)" */
export function observedReason(f: DemandForecast, type: InstanceType, policy: SizingPolicy): string {
  return (
    `${quantileName(policy.cpuQuantile, "CPU")} ${cores(f.cpu.observed)} (${percent(f.cpu.observed / type.vcpus)} of ${type.name}'s ${type.vcpus} vCPUs) and ` +
    `${quantileName(policy.memQuantile, "memory")} ${gib(f.mem.observed)} (${percent(f.mem.observed / type.memoryGiB)} of ${gib(type.memoryGiB)}) ` +
    `over ${(f.spanSeconds / DAY).toFixed(1)} days (${grouped(f.samples)} samples)`
  );
}

/** A sentence on a resource's trend, or undefined when there is nothing to say. */
export function trendReason(
  name: string,
  r: ResourceForecast,
  horizonDays: number,
  unit: (v: number) => string,
): string | undefined {
  if (r.trend.method === "none") return undefined;
  const perDay = r.trend.levelAtEnd > 0 ? r.trend.slopePerDay / r.trend.levelAtEnd : 0;
  const slope = `${perDay >= 0 ? "+" : ""}${percent(perDay, 1)}/day`;
  if (!r.extrapolated)
    return r.trend.significant ? undefined : `${name}: no significant trend (${slope}, ${r.trend.method})`;
  return `${name} trend ${slope} (significant, ${r.trend.method}): ${unit(r.need)} needed over the next ${horizonDays.toFixed(0)} days`;
}

/** Sentences for the needs raised above the projection by a CPU ceiling or OOM kills. */
export function bumpReasons(f: DemandForecast, type: InstanceType): string[] {
  const out: string[] = [];
  if (f.cpu.bumpedTo !== undefined)
    out.push(
      `CPU at its ceiling in ${percent(f.cpuSaturatedShare, 1)} of samples: demand is at least the ${type.vcpus} vCPUs; sized for ${cores(f.cpu.bumpedTo)} (1.2× the ceiling, or what the samples below it imply if more)`,
    );
  if (f.mem.bumpedTo !== undefined)
    out.push(
      `${f.ooms} OOM kill${f.ooms === 1 ? "" : "s"} observed: memory need raised to ${gib(f.mem.bumpedTo)} (VPA's rule: max(used + 100 MiB, used × 1.2))`,
    );
  return out;
}

/** "c5.xlarge holds it with 97% confidence: P95 CPU ≤ 80% of 4 vCPUs and peak memory ≤ 85% of 8 GiB for the next 7 days" */
export function holdReason(type: InstanceType, probability: number, policy: SizingPolicy, horizonDays: number): string {
  return (
    `${type.name} holds it with ${percent(probability)} confidence: ${quantileName(policy.cpuQuantile, "CPU")} ≤ ${percent(policy.cpuTarget)} of ${type.vcpus} vCPUs ` +
    `and ${quantileName(policy.memQuantile, "memory")} ≤ ${percent(policy.memTarget)} of ${gib(type.memoryGiB)} for the next ${horizonDays.toFixed(0)} days`
  );
}

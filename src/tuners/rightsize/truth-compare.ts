import type { InstanceCatalog } from "../../catalog/instance-catalog.js";
import type { SizingPolicy } from "./policy.js";

/** The right answer for one VM, as `twintune fleet generate` writes it to truth.json. */
export interface TruthRecord {
  vm: string;
  from: string;
  type: string | null;
  idle: boolean;
  p95CpuCores: number;
  peakMemGiB: number;
}

/** One method's answer for one VM: a type, or terminate. */
export interface Pick {
  type: string;
  terminate: boolean;
}

/** How one method did against the truth. Shares are of the VMs scored. */
export interface CompareRow {
  method: string;
  vms: number;
  /** Picked the truth's type (or terminate for a VM idle over the horizon). */
  accuracy: number;
  /** Picked a type that breaks the policy's targets on the true future demand, or terminated a busy VM. */
  underProvisioned: number;
  /** Worse: the true demand exceeds the type outright (P95 CPU above its vCPUs, or memory above its memory: OOM). */
  saturated: number;
  /** Picked a pricier type than needed (and not an under-provisioned one). */
  overProvisioned: number;
  currentMonthlyUsd: number;
  monthlyUsd: number;
  savingsPercent: number;
}

/**
 * Scores picks against the truth under the same policy the truth was computed with. VMs missing
 * from `picks` keep their current type. A terminate counts as 0 cost.
 */
export function scoreAgainstTruth(
  method: string,
  picks: ReadonlyMap<string, Pick>,
  truth: readonly TruthRecord[],
  catalog: InstanceCatalog,
  policy: SizingPolicy,
): CompareRow {
  let correct = 0;
  let under = 0;
  let saturated = 0;
  let over = 0;
  let current = 0;
  let recommended = 0;
  for (const record of truth) {
    const from = catalog.get(record.from);
    if (from === undefined) throw new RangeError(`truth names type '${record.from}', which the catalog lacks`);
    const pick = picks.get(record.vm) ?? { type: record.from, terminate: false };
    const type = catalog.get(pick.type);
    if (type === undefined) throw new RangeError(`${method} picked type '${pick.type}', which the catalog lacks`);
    current += catalog.monthlyUsd(from);
    recommended += pick.terminate ? 0 : catalog.monthlyUsd(type);
    if (pick.terminate) {
      if (record.idle) correct++;
      else {
        under++;
        saturated++;
      }
      continue;
    }
    if (pick.type === record.type || (record.idle && record.type === null)) correct++;
    const breaks =
      record.p95CpuCores > type.vcpus * policy.cpuTarget || record.peakMemGiB > type.memoryGiB * policy.memTarget;
    if (breaks) under++;
    if (record.p95CpuCores > type.vcpus || record.peakMemGiB > type.memoryGiB) saturated++;
    const needed = record.type === null ? undefined : catalog.get(record.type);
    if (!breaks && needed !== undefined && type.hourlyUsd > needed.hourlyUsd) over++;
  }
  const n = truth.length;
  return {
    method,
    vms: n,
    accuracy: n === 0 ? 0 : correct / n,
    underProvisioned: n === 0 ? 0 : under / n,
    saturated: n === 0 ? 0 : saturated / n,
    overProvisioned: n === 0 ? 0 : over / n,
    currentMonthlyUsd: current,
    monthlyUsd: recommended,
    savingsPercent: current > 0 ? (1 - recommended / current) * 100 : 0,
  };
}

import type { InstanceType } from "../../catalog/instance-type.js";
import type { SizingPolicy } from "../rightsize/policy.js";

/**
 * The performance risk of running a VM on `type` over the horizon, 0 (none) to 1 (certain
 * failure), from its projected demand samples: 1 when the projected memory ever exceeds the
 * type's memory (an OOM kill), else the share of the horizon spent above the policy's targets
 * (CPU above cpuTarget of the vCPUs, or memory above memTarget), whichever is larger.
 */
export function performanceRisk(
  type: InstanceType,
  cpu: ArrayLike<number>,
  mem: ArrayLike<number>,
  policy: SizingPolicy,
): number {
  const n = cpu.length;
  if (n === 0) return 0;
  const cpuLimit = type.vcpus * policy.cpuTarget;
  const memLimit = type.memoryGiB * policy.memTarget;
  let cpuOver = 0;
  let memOver = 0;
  for (let i = 0; i < n; i++) {
    const m = mem[i] as number;
    if (m > type.memoryGiB) return 1;
    if ((cpu[i] as number) > cpuLimit) cpuOver++;
    if (m > memLimit) memOver++;
  }
  return Math.max(cpuOver, memOver) / n;
}

/** Risk on spot: the VM fails if its type is too small or if it is interrupted within the month. */
export function spotRisk(risk: number, interruptionRate: number): number {
  return 1 - (1 - risk) * (1 - interruptionRate);
}

import type { InstanceCatalog } from "../../catalog/instance-catalog.js";
import type { InstanceType } from "../../catalog/instance-type.js";
import { percent } from "./reasons.js";
import type { Needs } from "./type-choice.js";

/** The last recommendation for a VM: its type, when, and the needs behind it. */
interface Previous {
  type: string;
  time: number;
  cpu: number;
  mem: number;
}

/**
 * Anti-flap memory: within `horizonSeconds` of a recommendation, a different type is only
 * recommended when a need moved by more than `fraction` (VPA's updater uses 10%;
 * kubernetes/autoscaler#4148 and #10022 show what happens without). The previous type is never
 * kept below the memory floor.
 */
export class Hysteresis {
  private readonly previous = new Map<string, Previous>();

  constructor(
    private readonly catalog: InstanceCatalog,
    private readonly horizonSeconds: number,
    private readonly fraction: number,
  ) {}

  remember(vm: string, type: InstanceType, time: number, needs: Needs): void {
    this.previous.set(vm, { type: type.name, time, cpu: needs.cpuCores, mem: needs.memGiB });
  }

  /** The previous type and why, when it should stand instead of `target`. */
  keep(
    vm: string,
    now: number,
    needs: Needs,
    target: InstanceType,
  ): { type: InstanceType; reason: string } | undefined {
    const previous = this.previous.get(vm);
    if (previous === undefined || previous.type === target.name) return undefined;
    if (now - previous.time >= this.horizonSeconds) return undefined;
    const moved = (a: number, b: number) => (b > 0 ? Math.abs(a / b - 1) : a > 0 ? Number.POSITIVE_INFINITY : 0);
    if (moved(needs.cpuCores, previous.cpu) > this.fraction || moved(needs.memGiB, previous.mem) > this.fraction)
      return undefined;
    const type = this.catalog.get(previous.type);
    if (type === undefined || type.memoryGiB < needs.memFloorGiB) return undefined;
    const hours = (now - previous.time) / 3600;
    return {
      type,
      reason: `keeps ${type.name}, recommended ${hours.toFixed(1)} h ago: the needs moved less than ${percent(this.fraction)} since (hysteresis; ${target.name} otherwise)`,
    };
  }
}

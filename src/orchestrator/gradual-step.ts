import type { KnobName, KnobValue } from "../backend.js";

/**
 * The next value on the way from `current` to `target` when changes are gradual: numeric knobs
 * (and the max of a TCP buffer triple) move by at most `factor` per step, up or down; categorical
 * knobs (a scheduler, an affinity, a policy) move in one step. So does a cache-way count: it is
 * a partition, not a size to grow into; the only VMs confined are those given no cache at all
 * (batch streams), whose misses hardly change with the ways, so halfway steps would only delay
 * the neighbours' gain by rounds.
 */
export function gradualStep(knob: KnobName, current: KnobValue, target: KnobValue, factor: number): KnobValue {
  const bounded = (from: number, to: number): number => {
    if (from <= 0) return to;
    // Round towards `from`, so an integer step never exceeds the factor.
    if (to > from * factor) return Math.floor(from * factor);
    if (to < from / factor) return Math.ceil(from / factor);
    return to;
  };
  if (
    typeof current === "number" &&
    typeof target === "number" &&
    knob !== "tcp-window-scaling" &&
    knob !== "tcp-sack" &&
    knob !== "tcp-timestamps" &&
    knob !== "llc-ways"
  ) {
    return bounded(current, target);
  }
  if ((knob === "tcp-rmem" || knob === "tcp-wmem") && Array.isArray(current) && Array.isArray(target)) {
    const max = bounded(current[2] as number, target[2] as number);
    return [target[0] as number, Math.min(target[1] as number, max), max];
  }
  return target;
}

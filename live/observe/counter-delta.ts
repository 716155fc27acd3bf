const TWO_32 = 2 ** 32;

/**
 * The increase of a kernel counter between two reads. Counters only grow, but some are 32-bit
 * and wrap (diskstats time fields on 32-bit kernels, older NIC drivers); a counter that went
 * down by more than a 32-bit wrap explains was reset (device re-attached, module reloaded), and
 * then the new value is the increase since the reset.
 */
export function counterDelta(previous: number, current: number): number {
  if (current >= previous) return current - previous;
  if (previous < TWO_32) return current + TWO_32 - previous;
  return current;
}

/** delta / seconds, 0 for an empty interval. */
export function perSecond(delta: number, intervalMs: number): number {
  return intervalMs > 0 ? (delta * 1000) / intervalMs : 0;
}

/** a / b, 0 when b is 0 (no events: no ratio to report). */
export function ratio(a: number, b: number): number {
  return b > 0 ? a / b : 0;
}

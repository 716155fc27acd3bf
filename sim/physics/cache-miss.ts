/**
 * Last-level cache misses as a function of the cache a workload gets.
 *
 * Once the working set exceeds the cache, the miss ratio follows a power law in cache size,
 * M(C) = M(W)·(W/C)^α with α ≈ 0.5: doubling the cache cuts misses by about 29%, not 50% (the
 * "√2 rule", Hartstein et al., "Cache miss behavior: is it √2?", CF'06, which puts α in
 * [0.3, 0.7]). When the working set fits, only compulsory (and coherence) misses remain. The
 * curve is continuous at C = W and never rises with C.
 */
/** Bytes one miss moves from memory: a cache line on every x86-64 and most Arm server cores. */
export const CACHE_LINE_BYTES = 64;

export interface CacheBehaviour {
  /** Bytes the workload touches repeatedly. */
  workingSetBytes: number;
  /** Miss ratio when the working set fits (compulsory and coherence misses). */
  compulsoryMissRatio: number;
  /** Power-law exponent; 0.5 unless measured. */
  alpha?: number;
}

export function llcMissRatio(behaviour: CacheBehaviour, cacheBytes: number): number {
  const { workingSetBytes, compulsoryMissRatio } = behaviour;
  const alpha = behaviour.alpha ?? 0.5;
  if (cacheBytes >= workingSetBytes) return compulsoryMissRatio;
  if (cacheBytes <= 0) return 1;
  // A workload that never misses when it fits follows the power law from zero: it never misses.
  if (compulsoryMissRatio === 0) return 0;
  return Math.min(1, compulsoryMissRatio * (workingSetBytes / cacheBytes) ** alpha);
}

/**
 * The share of a shared cache each co-runner gets, proportional to its activity (threads busy
 * on that cache), a first-order model of LRU sharing among streams of similar reuse.
 */
export function cacheShare(cacheBytes: number, activity: number, totalActivity: number): number {
  if (totalActivity <= 0 || activity <= 0) return cacheBytes;
  return (cacheBytes * activity) / totalActivity;
}

/** Who is running on one last-level cache right now, for {@link llcShareBytes}. */
export interface LlcOccupancy {
  cacheBytes: number;
  /** Cache-pressure weight of every running thread on the cache (this workload's included). */
  totalWeight: number;
  /** The part of totalWeight from workloads confined to a few ways. */
  confinedWeight: number;
  /** Allocation ways of the cache (capacity bitmask length); 0 when it has no allocation. */
  ways: number;
  /** Ways the confined workloads running there cover together (their masks are the lowest bits: the largest). */
  confinedWays: number;
}

/**
 * The bytes of a shared last-level cache one workload gets, given its weight and, when it is
 * confined by cache allocation (Intel CAT / AMD L3 QoS), its ways. Sharing is by weight
 * ({@link cacheShare}); a confined workload's lines live only in its ways, which it shares with
 * the other confined ones by weight, so it never holds more than its ways' part of what they
 * hold together; what they hold together is all the others lose to them
 * (Documentation/arch/x86/resctrl.rst: a capacity bitmask limits where a group's lines are
 * allocated, not what it may hit). With no confinement this is cacheShare exactly, and the
 * shares never add up to more than the cache.
 */
export function llcShareBytes(occupancy: LlcOccupancy, weight: number, confinedToWays?: number): number {
  const { cacheBytes, totalWeight, confinedWeight, ways, confinedWays } = occupancy;
  if (totalWeight <= 0 || weight <= 0) return cacheBytes;
  const confined = ways > 0 && confinedWeight > 0 && confinedWays > 0;
  if (confined && confinedToWays !== undefined && confinedToWays < ways) {
    const ownWays = (cacheBytes * confinedToWays) / ways;
    return Math.min(cacheShare(cacheBytes, weight, totalWeight), (ownWays * weight) / Math.max(weight, confinedWeight));
  }
  if (!confined) return cacheShare(cacheBytes, weight, totalWeight);
  const taken = Math.min((cacheBytes * confinedWeight) / totalWeight, (cacheBytes * confinedWays) / ways);
  return cacheShare(cacheBytes - taken, weight, Math.max(weight, totalWeight - confinedWeight));
}

/**
 * Last-level cache misses as a function of the cache a workload gets.
 *
 * Once the working set exceeds the cache, the miss ratio follows a power law in cache size,
 * M(C) = M(W)·(W/C)^α with α ≈ 0.5: doubling the cache cuts misses by about 29%, not 50% (the
 * "√2 rule", Hartstein et al., "Cache miss behavior: is it √2?", CF'06; α in [0.3, 0.7],
 * des.md §2.5). When the working set fits, only compulsory (and coherence) misses remain. The
 * curve is continuous at C = W and never rises with C.
 */
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

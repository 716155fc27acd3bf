/**
 * The requests in flight on each last-level cache from VMs confined to a few of its ways (cache
 * allocation): their weight, and the ways they cover together. Every confined VM's mask is the
 * lowest bits, so together they cover the largest mask among those running there now; a VM
 * unconfined mid-request keeps its ways counted until that request leaves the CPU.
 */
export class LlcConfinement {
  private readonly weights: Float64Array;
  /** Requests in flight by LLC and way count: counts[llc * (ways + 1) + k]. */
  private readonly counts: Int32Array;

  constructor(
    llcCount: number,
    /** Allocation ways of each LLC (capacity bitmask length); 0 when the host has no cache allocation. */
    readonly ways: number,
  ) {
    this.weights = new Float64Array(llcCount);
    this.counts = new Int32Array(llcCount * (ways + 1));
  }

  add(llc: number, weight: number, ways: number): void {
    this.weights[llc] = (this.weights[llc] as number) + weight;
    const slot = llc * (this.ways + 1) + ways;
    this.counts[slot] = (this.counts[slot] as number) + 1;
  }

  remove(llc: number, weight: number, ways: number): void {
    const slot = llc * (this.ways + 1) + ways;
    this.counts[slot] = (this.counts[slot] as number) - 1;
    // Float sums drift: an LLC with no confined request left has no confined weight.
    this.weights[llc] = this.waysOn(llc) === 0 ? 0 : Math.max(0, (this.weights[llc] as number) - weight);
  }

  /** Weight of the confined requests running on the LLC. */
  weightOn(llc: number): number {
    return this.weights[llc] as number;
  }

  /** Ways the confined requests running on the LLC cover together (0: none running). */
  waysOn(llc: number): number {
    const base = llc * (this.ways + 1);
    for (let k = this.ways; k > 0; k--) if ((this.counts[base + k] as number) > 0) return k;
    return 0;
  }
}

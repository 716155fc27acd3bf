import { EventHeap } from "../event-heap.js";

/**
 * Bins that take items where the load is least (ties: the lowest index): the kernel's binary
 * heap keyed by load, then index, so a fleet of 200,000 VMs spreads over 50,000 hosts in
 * O(VMs log hosts), where a scan of every host per VM would take minutes.
 */
export class LeastLoaded {
  private readonly heap: EventHeap;

  constructor(bins: number) {
    if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`expected at least one bin, got ${bins}`);
    this.heap = new EventHeap(bins);
    for (let bin = 0; bin < bins; bin++) this.heap.push(0, bin, bin);
  }

  /** Puts `amount` into the least loaded bin and returns its index. */
  add(amount: number): number {
    const load = this.heap.topTime();
    const bin = this.heap.topSlot();
    this.heap.pop();
    this.heap.push(load + amount, bin, bin);
    return bin;
  }
}

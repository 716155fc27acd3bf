/**
 * Bins that take items where the load is least (ties: the lowest index), as a binary heap: a
 * fleet of 200,000 VMs spread over 50,000 hosts in O(VMs log hosts), where a scan of every host
 * per VM would take minutes.
 */
export class LeastLoaded {
  private readonly load: Float64Array;
  private readonly heap: Int32Array;

  constructor(bins: number) {
    if (!(Number.isInteger(bins) && bins > 0)) throw new RangeError(`expected at least one bin, got ${bins}`);
    this.load = new Float64Array(bins);
    this.heap = Int32Array.from({ length: bins }, (_, i) => i);
  }

  /** Puts `amount` into the least loaded bin and returns its index. */
  add(amount: number): number {
    const bin = this.heap[0] as number;
    this.load[bin] = (this.load[bin] as number) + amount;
    this.siftDown(0);
    return bin;
  }

  private before(a: number, b: number): boolean {
    const la = this.load[a] as number;
    const lb = this.load[b] as number;
    return la < lb || (la === lb && a < b);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const n = heap.length;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) return;
      const right = left + 1;
      const child = right < n && this.before(heap[right] as number, heap[left] as number) ? right : left;
      if (!this.before(heap[child] as number, heap[i] as number)) return;
      [heap[i], heap[child]] = [heap[child] as number, heap[i] as number];
      i = child;
    }
  }
}

/**
 * The future-event set: a binary min-heap stored as a struct of typed arrays.
 *
 * Each entry is (time, order, slot): the slot names the kernel's callback, `order` packs the
 * priority and the insertion sequence (priority * 2^48 + seq), so entries with equal time
 * dispatch by priority, then FIFO, and the comparison is two float compares. Flat typed arrays
 * instead of one object per event keep the rate at millions of events per second with 10^6
 * pending, where an object heap loses about 10x to GC and cache misses (measured with the hold
 * model on Node 20 before this heap was written; `npm run -s bench:kernel` measures this one).
 */

/** Sequence numbers stay below 2^48 so that priority * 2^48 + seq is an exact double. */
export const ORDER_PRIORITY_SCALE = 2 ** 48;

export class EventHeap {
  private times: Float64Array<ArrayBuffer>;
  private orders: Float64Array<ArrayBuffer>;
  private slots: Int32Array<ArrayBuffer>;
  private count = 0;

  constructor(initialCapacity = 1024) {
    this.times = new Float64Array(initialCapacity);
    this.orders = new Float64Array(initialCapacity);
    this.slots = new Int32Array(initialCapacity);
  }

  get size(): number {
    return this.count;
  }

  topTime(): number {
    return this.count > 0 ? (this.times[0] as number) : Number.POSITIVE_INFINITY;
  }

  topOrder(): number {
    return this.orders[0] as number;
  }

  topSlot(): number {
    return this.slots[0] as number;
  }

  push(time: number, order: number, slot: number): void {
    if (this.count === this.times.length) this.grow();
    const times = this.times;
    const orders = this.orders;
    const slots = this.slots;
    let i = this.count++;
    // Sift up by moving parents into the hole; write the new entry once at the end.
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = times[parent] as number;
      if (pt < time || (pt === time && (orders[parent] as number) < order)) break;
      times[i] = pt;
      orders[i] = orders[parent] as number;
      slots[i] = slots[parent] as number;
      i = parent;
    }
    times[i] = time;
    orders[i] = order;
    slots[i] = slot;
  }

  /** Removes the top entry. Read it first with topTime/topOrder/topSlot. */
  pop(): void {
    const n = --this.count;
    if (n > 0) this.siftDown(0, n);
  }

  /** Keeps only the entries whose slot passes `keep`, then restores the heap property in O(n). */
  filter(keep: (slot: number) => boolean): void {
    let n = 0;
    for (let i = 0; i < this.count; i++) {
      const slot = this.slots[i] as number;
      if (!keep(slot)) continue;
      this.times[n] = this.times[i] as number;
      this.orders[n] = this.orders[i] as number;
      this.slots[n] = slot;
      n++;
    }
    this.count = n;
    for (let i = (n >> 1) - 1; i >= 0; i--) this.siftDown(i, i);
  }

  /** Moves the entry at index `from` into the subtree whose root `start` is a hole. */
  private siftDown(start: number, from: number): void {
    const n = this.count;
    const times = this.times;
    const orders = this.orders;
    const slots = this.slots;
    const time = times[from] as number;
    const order = orders[from] as number;
    const slot = slots[from] as number;
    const half = n >> 1;
    let i = start;
    while (i < half) {
      let child = 2 * i + 1;
      let ct = times[child] as number;
      let co = orders[child] as number;
      const right = child + 1;
      if (right < n) {
        const rt = times[right] as number;
        if (rt < ct || (rt === ct && (orders[right] as number) < co)) {
          child = right;
          ct = rt;
          co = orders[right] as number;
        }
      }
      if (time < ct || (time === ct && order < co)) break;
      times[i] = ct;
      orders[i] = co;
      slots[i] = slots[child] as number;
      i = child;
    }
    times[i] = time;
    orders[i] = order;
    slots[i] = slot;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    const orders = new Float64Array(this.orders.length * 2);
    const slots = new Int32Array(this.slots.length * 2);
    times.set(this.times);
    orders.set(this.orders);
    slots.set(this.slots);
    this.times = times;
    this.orders = orders;
    this.slots = slots;
  }
}

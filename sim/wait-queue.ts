/** Something waiting in a queue: lower `priority` first, then lower `seq` (arrival order). */
export interface Waiting {
  readonly priority: number;
  readonly seq: number;
  queued: boolean;
}

/**
 * The waiting line of a resource, container or store: a binary heap on (priority, seq), so it
 * is FIFO when every priority is equal. Removal is lazy: a withdrawn entry is unflagged and
 * skipped when it reaches the front.
 */
export class WaitQueue<T extends Waiting> {
  private readonly heap: T[] = [];
  private live = 0;

  get length(): number {
    return this.live;
  }

  push(item: T): void {
    item.queued = true;
    this.live++;
    const heap = this.heap;
    let i = heap.length;
    heap.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const above = heap[parent] as T;
      if (!before(item, above)) break;
      heap[i] = above;
      i = parent;
    }
    heap[i] = item;
  }

  /** The next live item without removing it. */
  peek(): T | undefined {
    this.dropWithdrawn();
    return this.heap[0];
  }

  /** Removes and returns the next live item. */
  shift(): T | undefined {
    this.dropWithdrawn();
    const top = this.heap[0];
    if (top === undefined) return undefined;
    this.removeTop();
    top.queued = false;
    this.live--;
    return top;
  }

  /** Withdraws an item; it stays in the heap until it reaches the front. */
  remove(item: T): boolean {
    if (!item.queued) return false;
    item.queued = false;
    this.live--;
    return true;
  }

  private dropWithdrawn(): void {
    while (this.heap.length > 0 && !(this.heap[0] as T).queued) this.removeTop();
  }

  private removeTop(): void {
    const heap = this.heap;
    const last = heap.pop() as T;
    const n = heap.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && before(heap[child + 1] as T, heap[child] as T)) child++;
      const below = heap[child] as T;
      if (!before(below, last)) break;
      heap[i] = below;
      i = child;
    }
    heap[i] = last;
  }
}

function before(a: Waiting, b: Waiting): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

import type { Simulation } from "./kernel.js";
import { SimEvent } from "./sim-event.js";
import { TimeWeighted } from "./time-weighted.js";
import { type Waiting, WaitQueue } from "./wait-queue.js";

/** A pending put; succeeds when the item is in the store. */
export class StorePut<T> extends SimEvent<void> implements Waiting {
  readonly priority = 0;
  queued = false;

  constructor(
    private readonly store: Store<T>,
    readonly item: T,
    readonly seq: number,
  ) {
    super(store.sim);
  }

  protected override abandoned(): void {
    this.store.abandonPut(this);
  }
}

/** A pending get; succeeds with the item taken. */
export class StoreGet<T> extends SimEvent<T> implements Waiting {
  readonly priority = 0;
  queued = false;

  constructor(
    private readonly store: Store<T>,
    readonly seq: number,
  ) {
    super(store.sim);
  }

  protected override abandoned(): void {
    this.store.abandonGet(this);
  }
}

/**
 * SimPy's Store: discrete items in FIFO order, at most `capacity` of them. A put waits for
 * room, a get for an item; both lines are FIFO.
 */
export class Store<T> {
  readonly sim: Simulation;
  readonly capacity: number;
  /** The number of stored items over time. */
  readonly sizes: TimeWeighted;
  private items: T[] = [];
  private head = 0;
  private readonly puts = new WaitQueue<StorePut<T>>();
  private readonly gets = new WaitQueue<StoreGet<T>>();
  private seq = 0;

  constructor(sim: Simulation, capacity = Number.POSITIVE_INFINITY) {
    if (!(capacity >= 1)) throw new RangeError(`store capacity must be at least 1, got ${capacity}`);
    this.sim = sim;
    this.capacity = capacity;
    this.sizes = new TimeWeighted(sim.now, 0);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  put(item: T): StorePut<T> {
    const put = new StorePut(this, item, this.seq++);
    this.puts.push(put);
    this.serve();
    return put;
  }

  get(): StoreGet<T> {
    const get = new StoreGet<T>(this, this.seq++);
    this.gets.push(get);
    this.serve();
    return get;
  }

  /** @internal */
  abandonPut(put: StorePut<T>): void {
    this.puts.remove(put);
  }

  /** @internal A getter gave up after being served: the item goes back to the front. */
  abandonGet(get: StoreGet<T>): void {
    if (this.gets.remove(get) || !get.triggered) return;
    this.compact();
    this.items.unshift(get.value);
    this.sizes.update(this.sim.now, this.size);
    this.serve();
  }

  private serve(): void {
    for (let progressed = true; progressed; ) {
      progressed = false;
      const put = this.puts.peek();
      if (put !== undefined && this.size < this.capacity) {
        this.puts.shift();
        this.items.push(put.item);
        put.succeed();
        progressed = true;
      }
      const get = this.gets.peek();
      if (get !== undefined && this.size > 0) {
        this.gets.shift();
        const item = this.items[this.head] as T;
        this.items[this.head++] = undefined as T;
        get.succeed(item);
        progressed = true;
      }
    }
    if (this.head > 1024 && this.head * 2 > this.items.length) this.compact();
    this.sizes.update(this.sim.now, this.size);
  }

  private compact(): void {
    this.items = this.items.slice(this.head);
    this.head = 0;
  }
}

import type { Simulation } from "./kernel.js";
import { SimEvent } from "./sim-event.js";
import { TimeWeighted } from "./time-weighted.js";
import { type Waiting, WaitQueue } from "./wait-queue.js";

/** A pending put or get of an amount; succeeds with the amount when it is done. */
export class LevelChange extends SimEvent<number> implements Waiting {
  readonly priority = 0;
  queued = false;

  constructor(
    private readonly container: Container,
    readonly isPut: boolean,
    readonly amount: number,
    readonly seq: number,
  ) {
    super(container.sim);
  }

  protected override abandoned(): void {
    this.container.abandon(this);
  }
}

/**
 * SimPy's Container: a level of something continuous or countable (memory pages, tokens, fuel)
 * between 0 and `capacity`. A put waits for room, a get for enough; both lines are FIFO and a
 * request that cannot be served blocks those behind it.
 */
export class Container {
  readonly sim: Simulation;
  readonly capacity: number;
  /** The level over time. */
  readonly levels: TimeWeighted;
  private amountNow: number;
  private readonly puts = new WaitQueue<LevelChange>();
  private readonly gets = new WaitQueue<LevelChange>();
  private seq = 0;

  constructor(sim: Simulation, capacity = Number.POSITIVE_INFINITY, initial = 0) {
    if (!(capacity > 0)) throw new RangeError(`container capacity must be positive, got ${capacity}`);
    if (!(initial >= 0 && initial <= capacity)) {
      throw new RangeError(`container initial level must be within [0, ${capacity}], got ${initial}`);
    }
    this.sim = sim;
    this.capacity = capacity;
    this.amountNow = initial;
    this.levels = new TimeWeighted(sim.now, initial);
  }

  get level(): number {
    return this.amountNow;
  }

  put(amount: number): LevelChange {
    return this.enqueue(true, amount, this.puts);
  }

  get(amount: number): LevelChange {
    return this.enqueue(false, amount, this.gets);
  }

  /** @internal A waiter gave up: withdraw its request, or undo a get that had been served. */
  abandon(change: LevelChange): void {
    if ((change.isPut ? this.puts : this.gets).remove(change)) return;
    if (!change.isPut && change.triggered) {
      this.setLevel(this.amountNow + change.amount);
      this.serve();
    }
  }

  private enqueue(isPut: boolean, amount: number, line: WaitQueue<LevelChange>): LevelChange {
    if (!(amount > 0) || amount > this.capacity) {
      throw new RangeError(`container ${isPut ? "put" : "get"} amount must be in (0, ${this.capacity}], got ${amount}`);
    }
    const change = new LevelChange(this, isPut, amount, this.seq++);
    line.push(change);
    this.serve();
    return change;
  }

  private serve(): void {
    for (let progressed = true; progressed; ) {
      progressed = false;
      const put = this.puts.peek();
      if (put !== undefined && this.amountNow + put.amount <= this.capacity) {
        this.puts.shift();
        this.setLevel(this.amountNow + put.amount);
        put.succeed(put.amount);
        progressed = true;
      }
      const get = this.gets.peek();
      if (get !== undefined && this.amountNow >= get.amount) {
        this.gets.shift();
        this.setLevel(this.amountNow - get.amount);
        get.succeed(get.amount);
        progressed = true;
      }
    }
  }

  private setLevel(level: number): void {
    this.amountNow = level;
    this.levels.update(this.sim.now, level);
  }
}

import type { Simulation } from "./kernel.js";

/** Priorities of kernel entries: at equal times, URGENT entries (event processing) run first. */
export const URGENT = 0;
export const NORMAL = 1;

/** Trace kinds: what a dispatched kernel entry was, hashed into the run's trace hash. */
export const KIND_CALLBACK = 0;
export const KIND_EVENT = 1;
export const KIND_RESUME = 2;

const PENDING = 0;
const TRIGGERED = 1;
const PROCESSED = 2;

export type Waiter = (event: SimEvent<unknown>) => void;

/**
 * SimPy's Event: something that will happen at some simulated time. It is triggered once, with
 * a value (`succeed`) or an error (`fail`); the kernel then processes it, calling each waiter.
 * Processes wait on events by yielding them.
 *
 * A failed event that nobody waits on when it is processed aborts the run with its error, unless
 * it was defused: errors are never silently lost.
 */
export class SimEvent<T = unknown> {
  readonly sim: Simulation;
  private state = PENDING;
  private failed = false;
  private defused = false;
  private result: unknown;
  private waiters: Waiter | Waiter[] | null = null;

  constructor(sim: Simulation) {
    this.sim = sim;
  }

  get triggered(): boolean {
    return this.state !== PENDING;
  }

  get processed(): boolean {
    return this.state === PROCESSED;
  }

  /** True unless the event failed. Meaningful once triggered. */
  get ok(): boolean {
    return !this.failed;
  }

  /** The value (or, for a failed event, the error). Meaningful once triggered. */
  get value(): T {
    return this.result as T;
  }

  succeed(value?: T): this {
    this.trigger(false, value);
    return this;
  }

  fail(error: unknown): this {
    this.trigger(true, error);
    return this;
  }

  /** Marks a failure as handled, so processing it without waiters does not abort the run. */
  defuse(): this {
    this.defused = true;
    return this;
  }

  /**
   * Calls `callback` when the event is processed (at once, in the current instant, if it
   * already was). The callback path for models that do not use generator processes.
   */
  onDone(callback: (event: this) => void): this {
    if (this.state === PROCESSED) {
      this.sim.schedule(0, callback as (event: SimEvent) => void, this as SimEvent, URGENT, KIND_EVENT);
    } else {
      this.addWaiter(callback as Waiter);
    }
    return this;
  }

  /** @internal Registers a waiter; the event must not be processed yet. */
  addWaiter(waiter: Waiter): void {
    const current = this.waiters;
    if (current === null) this.waiters = waiter;
    else if (typeof current === "function") this.waiters = [current, waiter];
    else current.push(waiter);
  }

  /** @internal Removes a waiter; when the last one leaves an untriggered event, it is abandoned. */
  removeWaiter(waiter: Waiter): void {
    const current = this.waiters;
    if (current === waiter) this.waiters = null;
    else if (Array.isArray(current)) {
      const at = current.indexOf(waiter);
      if (at >= 0) current.splice(at, 1);
      if (current.length === 0) this.waiters = null;
    }
    if (this.waiters === null && this.state !== PROCESSED) this.abandoned();
  }

  /**
   * Called when every waiter has left (a waiting process was interrupted). Events that hold a
   * claim (a granted resource, a taken item) override this to give it back.
   */
  protected abandoned(): void {}

  /** Sets the outcome without scheduling: for events that the kernel dispatches themselves. */
  protected presetOutcome(value: unknown): void {
    this.state = TRIGGERED;
    this.result = value;
  }

  private trigger(failed: boolean, value: unknown): void {
    if (this.state !== PENDING) throw new Error("an event can be triggered only once");
    this.failed = failed;
    this.result = value;
    if (this.waiters === null && !failed) {
      // Nobody is waiting: processing would call no one. Whoever yields it later continues at once.
      this.state = PROCESSED;
      return;
    }
    this.state = TRIGGERED;
    this.sim.schedule(0, processEvent, this as SimEvent, URGENT, KIND_EVENT);
  }

  /** @internal Run by the kernel at the event's time. */
  static process(event: SimEvent): void {
    event.state = PROCESSED;
    const waiters = event.waiters;
    event.waiters = null;
    if (waiters === null) {
      if (event.failed && !event.defused) throw event.result;
      return;
    }
    if (typeof waiters === "function") waiters(event);
    else for (const waiter of waiters) waiter(event);
  }
}

function processEvent(event: SimEvent): void {
  SimEvent.process(event);
}

export { processEvent };

import type { Simulation } from "./kernel.js";
import { SimEvent, type Waiter } from "./sim-event.js";

/**
 * Waits for every event (SimPy's AllOf). Succeeds with their values in the given order; fails
 * with the first failure. An empty list succeeds at once.
 */
export class AllOf extends SimEvent<unknown[]> {
  constructor(sim: Simulation, events: readonly SimEvent<unknown>[]) {
    super(sim);
    const values = new Array<unknown>(events.length);
    let remaining = events.length;
    if (remaining === 0) {
      this.succeed(values);
      return;
    }
    new Watch(this, events, (index, event, watch) => {
      if (!event.ok) {
        watch.detach();
        this.fail(event.value);
        return;
      }
      values[index] = event.value;
      if (--remaining === 0) this.succeed(values);
    });
  }
}

/** The first of several events to happen: its index in the list and its value. */
export interface FirstOf {
  index: number;
  value: unknown;
}

/**
 * Waits for the first event (SimPy's AnyOf). Succeeds with its index and value, or fails if it
 * failed. The condition stops waiting on the others, which abandons them when nobody else waits:
 * a losing resource request or store get is withdrawn (reneging), a timeout just runs out.
 */
export class AnyOf extends SimEvent<FirstOf> {
  constructor(sim: Simulation, events: readonly SimEvent<unknown>[]) {
    super(sim);
    if (events.length === 0) throw new RangeError("anyOf needs at least one event");
    new Watch(this, events, (index, event, watch) => {
      watch.detach();
      if (event.ok) this.succeed({ index, value: event.value });
      else this.fail(event.value);
    });
  }
}

/** Listens to a list of events on behalf of a condition until the condition is triggered. */
class Watch {
  private readonly waiters: Waiter[] = [];

  constructor(
    condition: SimEvent<unknown>,
    private readonly events: readonly SimEvent<unknown>[],
    settle: (index: number, event: SimEvent<unknown>, watch: Watch) => void,
  ) {
    for (let index = 0; index < events.length && !condition.triggered; index++) {
      const event = events[index] as SimEvent<unknown>;
      const waiter: Waiter = (done) => {
        if (!condition.triggered) settle(index, done, this);
      };
      this.waiters.push(waiter);
      if (event.processed) waiter(event);
      else event.addWaiter(waiter);
    }
  }

  detach(): void {
    this.waiters.forEach((waiter, index) => {
      const event = this.events[index] as SimEvent<unknown>;
      if (!event.processed) event.removeWaiter(waiter);
    });
  }
}

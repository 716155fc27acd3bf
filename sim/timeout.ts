import type { Simulation } from "./kernel.js";
import { KIND_EVENT, NORMAL, processEvent, SimEvent } from "./sim-event.js";

/**
 * An event that happens `delay` nanoseconds from now. Yield it from a process, or combine it
 * with others in `allOf`/`anyOf` (a plain number yielded from a process is the cheaper way to
 * just wait).
 */
export class Timeout<T = undefined> extends SimEvent<T> {
  readonly at: number;

  constructor(sim: Simulation, delay: number, value?: T) {
    super(sim);
    this.presetOutcome(value);
    sim.schedule(delay, processEvent, this as SimEvent, NORMAL, KIND_EVENT);
    this.at = sim.now + delay;
  }
}

import { AllOf, AnyOf } from "./condition.js";
import { EventHeap, ORDER_PRIORITY_SCALE } from "./event-heap.js";
import { Process, type ProcessGenerator } from "./process.js";
import { KIND_CALLBACK, NORMAL, SimEvent } from "./sim-event.js";
import { Timeout } from "./timeout.js";

/** A kernel callback; receives the argument it was scheduled with. */
export type Callback<A> = (arg: A) => void;

export interface RunOptions {
  /** Stop before the first event at or after this time (ns) and set `now` to it. */
  until?: number;
}

// A handle packs (generation, slot) so that cancelling a handle whose slot was reused is a no-op.
const SLOT_BITS = 2 ** 24;
const MAX_GENERATION = 2 ** 29;
const CALL_STRIDE = 4;
const ARG = 1;
const KIND = 2;
const GENERATION = 3;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
const TWO_32 = 2 ** 32;

/**
 * The discrete-event kernel (SimPy's Environment): a clock in integer nanoseconds and a
 * future-event set keyed by (time, priority, insertion sequence), so ties dispatch FIFO and every
 * run is deterministic. Models schedule plain callbacks (the fast path) or run generator
 * processes. Cancellation is lazy: a cancelled entry stays in the heap and is skipped; the heap
 * is compacted when more than half of it is dead.
 *
 * Every dispatched entry folds (time, kind, sequence) into a running 32-bit FNV-1a hash over
 * 32-bit words (`traceHash`), which a run reports with its seed: two runs with the same hash
 * dispatched the same events at the same times.
 */
export class Simulation {
  /** The current simulated time, integer nanoseconds. */
  now = 0;
  /** Entries dispatched so far (cancelled ones excluded). */
  dispatched = 0;
  /** @internal The process whose generator is running, if any. */
  activeProcess: Process | null = null;

  private readonly heap = new EventHeap();
  // What each heap slot holds, CALL_STRIDE entries side by side so that a dispatch touches one
  // place in memory: the callback (null once run or cancelled), its argument, the trace kind and
  // the slot's generation. Slots are recycled LIFO.
  private calls: unknown[] = [];
  private freeSlots: Int32Array<ArrayBuffer> = new Int32Array(1024);
  private freeCount = 0;
  private slotCount = 0;
  private sequence = 0;
  private dead = 0;
  private hash = FNV_OFFSET;
  private stopRequested = false;

  /** The running trace hash as an unsigned 32-bit integer. */
  get traceHash(): number {
    return this.hash >>> 0;
  }

  /** The trace hash as 8 hex digits, the form results report. */
  get traceHashHex(): string {
    return this.traceHash.toString(16).padStart(8, "0");
  }

  /** Entries in the future-event set, including cancelled ones not yet dropped. */
  get pending(): number {
    return this.heap.size - this.dead;
  }

  /**
   * Calls `fn(arg)` after `delay` ns (a non-negative integer). Returns a handle for `cancel`.
   * `kind` tags the entry in the trace hash.
   */
  schedule<A>(delay: number, fn: Callback<A>, arg?: A, priority = NORMAL, kind = KIND_CALLBACK): number {
    if (!(delay >= 0) || Math.floor(delay) !== delay) {
      throw new RangeError(`delay must be a non-negative integer number of nanoseconds, got ${delay}`);
    }
    return this.enqueue(this.now + delay, fn as Callback<never>, arg, priority, kind);
  }

  /** Calls `fn(arg)` at the absolute time `time` (integer ns, not in the past). */
  at<A>(time: number, fn: Callback<A>, arg?: A, priority = NORMAL, kind = KIND_CALLBACK): number {
    if (!(time >= this.now) || Math.floor(time) !== time) {
      throw new RangeError(`time must be an integer number of nanoseconds not before now (${this.now}), got ${time}`);
    }
    return this.enqueue(time, fn as Callback<never>, arg, priority, kind);
  }

  /** Cancels a scheduled entry. Returns false if it already ran or was cancelled. */
  cancel(handle: number): boolean {
    const slot = handle % SLOT_BITS;
    const generation = Math.floor(handle / SLOT_BITS);
    const at = slot * CALL_STRIDE;
    if (slot >= this.slotCount || this.calls[at + GENERATION] !== generation || this.calls[at] === null) return false;
    this.calls[at] = null;
    this.calls[at + ARG] = undefined;
    this.dead++;
    if (this.dead > 1024 && this.dead * 2 > this.heap.size) this.compact();
    return true;
  }

  /** Time of the next live entry, or Infinity when none is left. */
  peek(): number {
    this.dropDeadTop();
    return this.heap.topTime();
  }

  /** Dispatches the next live entry. Returns false if there was none. */
  step(): boolean {
    this.dropDeadTop();
    if (this.heap.size === 0) return false;
    this.dispatchTop();
    return true;
  }

  /**
   * Dispatches entries in order until none is left, `stop()` is called, or the next one is at
   * or after `until` (then `now` becomes `until`). An error thrown by a callback, or an event
   * that failed with nobody handling it, aborts the run: `run` throws it.
   */
  run(options: RunOptions = {}): void {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    if (until < this.now) throw new RangeError(`until (${until}) is before now (${this.now})`);
    this.stopRequested = false;
    const heap = this.heap;
    while (heap.size > 0 && !this.stopRequested) {
      if (heap.topTime() >= until) break;
      this.dispatchTop();
    }
    if (!this.stopRequested && until !== Number.POSITIVE_INFINITY) this.now = until;
  }

  /** Ends the current `run` after the entry being dispatched. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Starts a generator process at the current instant. */
  process<R>(generator: ProcessGenerator<R>): Process<R> {
    return new Process(this, generator);
  }

  /** An event to be triggered by the model with `succeed` or `fail`. */
  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  /** An event that happens `delay` ns from now, with an optional value. */
  timeout<T = undefined>(delay: number, value?: T): Timeout<T> {
    return new Timeout(this, delay, value);
  }

  /** Succeeds with all values, in order, when every event has succeeded; fails on the first failure. */
  allOf(events: readonly SimEvent<unknown>[]): AllOf {
    return new AllOf(this, events);
  }

  /** Succeeds with the first event to succeed (its index and value); fails if one fails first. */
  anyOf(events: readonly SimEvent<unknown>[]): AnyOf {
    return new AnyOf(this, events);
  }

  private enqueue(time: number, fn: Callback<never>, arg: unknown, priority: number, kind: number): number {
    const calls = this.calls;
    let slot: number;
    if (this.freeCount > 0) {
      slot = this.freeSlots[--this.freeCount] as number;
      const at = slot * CALL_STRIDE;
      calls[at] = fn;
      calls[at + ARG] = arg;
      calls[at + KIND] = kind;
    } else {
      slot = this.slotCount++;
      if (slot >= SLOT_BITS) throw new RangeError(`more than ${SLOT_BITS} pending events`);
      if (slot === this.freeSlots.length) {
        const grown = new Int32Array(this.freeSlots.length * 2);
        grown.set(this.freeSlots);
        this.freeSlots = grown;
      }
      calls.push(fn, arg, kind, 0);
    }
    this.heap.push(time, priority * ORDER_PRIORITY_SCALE + this.sequence++, slot);
    return (calls[slot * CALL_STRIDE + GENERATION] as number) * SLOT_BITS + slot;
  }

  /** Clears a slot after its entry ran or was dropped, and puts it back on the free stack. */
  private releaseSlot(slot: number): void {
    const at = slot * CALL_STRIDE;
    this.calls[at] = null;
    this.calls[at + ARG] = undefined;
    this.calls[at + GENERATION] = ((this.calls[at + GENERATION] as number) + 1) % MAX_GENERATION;
    this.freeSlots[this.freeCount++] = slot;
  }

  private dispatchTop(): void {
    const heap = this.heap;
    const time = heap.topTime();
    const order = heap.topOrder();
    const slot = heap.topSlot();
    heap.pop();
    const at = slot * CALL_STRIDE;
    const calls = this.calls;
    const fn = calls[at] as Callback<unknown> | null;
    const arg = calls[at + ARG];
    const kind = calls[at + KIND] as number;
    this.releaseSlot(slot);
    if (fn === null) {
      this.dead--;
      return;
    }
    this.now = time;
    this.dispatched++;
    let h = this.hash;
    h = Math.imul(h ^ (time >>> 0), FNV_PRIME);
    h = Math.imul(h ^ ((time / TWO_32) >>> 0), FNV_PRIME);
    h = Math.imul(h ^ kind, FNV_PRIME);
    this.hash = Math.imul(h ^ (order >>> 0), FNV_PRIME);
    fn(arg);
  }

  private dropDeadTop(): void {
    const heap = this.heap;
    while (heap.size > 0 && this.calls[heap.topSlot() * CALL_STRIDE] === null) {
      const slot = heap.topSlot();
      heap.pop();
      this.releaseSlot(slot);
      this.dead--;
    }
  }

  private compact(): void {
    const removed: number[] = [];
    this.heap.filter((slot) => {
      if (this.calls[slot * CALL_STRIDE] !== null) return true;
      removed.push(slot);
      return false;
    });
    for (const slot of removed) this.releaseSlot(slot);
    this.dead = 0;
  }
}

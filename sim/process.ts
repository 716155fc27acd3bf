import type { Simulation } from "./kernel.js";
import { KIND_RESUME, NORMAL, SimEvent, URGENT, type Waiter } from "./sim-event.js";

/** What a process may yield: a delay in integer nanoseconds, or an event to wait for. */
export type Yieldable = number | SimEvent<unknown>;

/** A generator function body: yields delays and events, receives event values, returns a result. */
export type ProcessGenerator<R = unknown> = Generator<Yieldable, R, unknown>;

/** Thrown into a process by `interrupt(cause)`. */
export class Interrupt extends Error {
  override readonly cause: unknown;

  constructor(cause: unknown) {
    super(`interrupted${cause === undefined ? "" : `: ${String(cause)}`}`);
    this.name = "Interrupt";
    this.cause = cause;
  }
}

/**
 * A simulated activity written as a generator (SimPy's Process). It is itself an event that
 * succeeds with the generator's return value or fails with the error it threw, so other
 * processes can wait for it. An uncaught error with nobody waiting aborts the run.
 */
export class Process<R = unknown> extends SimEvent<R> {
  private readonly generator: ProcessGenerator<R>;
  private readonly resumer: Waiter;
  private target: SimEvent<unknown> | null = null;
  private sleepHandle = -1;

  constructor(sim: Simulation, generator: ProcessGenerator<R>) {
    super(sim);
    this.generator = generator;
    this.resumer = (event) => {
      this.target = null;
      this.advance(event.ok, event.value);
    };
    sim.schedule(0, startProcess, this as Process, URGENT, KIND_RESUME);
  }

  get isAlive(): boolean {
    return !this.triggered;
  }

  /**
   * Throws an Interrupt into the process at the current instant. Whatever it was waiting for is
   * abandoned: a queued resource request or store get is withdrawn, a granted one given back.
   */
  interrupt(cause?: unknown): void {
    if (!this.isAlive) throw new Error("cannot interrupt a process that has finished");
    if (this.sim.activeProcess === this) throw new Error("a process cannot interrupt itself");
    this.sim.schedule(0, deliverInterrupt, { process: this as Process, cause }, URGENT, KIND_RESUME);
  }

  /** @internal */
  start(): void {
    this.advance(true, undefined);
  }

  /** @internal */
  wake(): void {
    this.sleepHandle = -1;
    this.advance(true, undefined);
  }

  /** @internal */
  deliver(cause: unknown): void {
    if (!this.isAlive) return;
    if (this.sleepHandle >= 0) {
      this.sim.cancel(this.sleepHandle);
      this.sleepHandle = -1;
    }
    const target = this.target;
    if (target !== null) {
      this.target = null;
      target.removeWaiter(this.resumer);
    }
    this.advance(false, new Interrupt(cause));
  }

  private advance(ok: boolean, sent: unknown): void {
    const sim = this.sim;
    const previous = sim.activeProcess;
    sim.activeProcess = this as Process;
    try {
      for (;;) {
        let step: IteratorResult<Yieldable, R>;
        try {
          step = ok ? this.generator.next(sent) : this.generator.throw(sent);
        } catch (error) {
          this.fail(error);
          return;
        }
        if (step.done) {
          this.succeed(step.value);
          return;
        }
        const waitFor = step.value;
        if (typeof waitFor === "number") {
          if (waitFor >= 0 && Math.floor(waitFor) === waitFor) {
            this.sleepHandle = sim.schedule(waitFor, wakeProcess, this as Process, NORMAL, KIND_RESUME);
            return;
          }
          ok = false;
          sent = new RangeError(`a process yielded the delay ${waitFor}; delays are non-negative integer nanoseconds`);
        } else if (waitFor instanceof SimEvent) {
          if (!waitFor.processed) {
            this.target = waitFor;
            waitFor.addWaiter(this.resumer);
            return;
          }
          ok = waitFor.ok;
          sent = waitFor.value;
        } else {
          ok = false;
          sent = new TypeError(
            `a process yielded ${typeof waitFor}; yield a delay in nanoseconds, an event, or another process`,
          );
        }
      }
    } finally {
      sim.activeProcess = previous;
    }
  }
}

function startProcess(process: Process): void {
  process.start();
}

function wakeProcess(process: Process): void {
  process.wake();
}

function deliverInterrupt(request: { process: Process; cause: unknown }): void {
  request.process.deliver(request.cause);
}

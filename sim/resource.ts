import type { Simulation } from "./kernel.js";
import { SimEvent } from "./sim-event.js";
import { TimeWeighted } from "./time-weighted.js";
import { type Waiting, WaitQueue } from "./wait-queue.js";

/**
 * A claim on one unit of a Resource. It succeeds (with itself as the value) when granted;
 * give it back with `resource.release(request)`.
 */
export class Request extends SimEvent<Request> implements Waiting {
  queued = false;
  granted = false;
  released = false;

  constructor(
    readonly resource: Resource,
    readonly priority: number,
    readonly seq: number,
  ) {
    super(resource.sim);
  }

  protected override abandoned(): void {
    // The requesting process stopped waiting: withdraw from the line, or give back the grant.
    if (this.queued || (this.granted && !this.released)) this.resource.release(this);
  }
}

/**
 * SimPy's Resource and PriorityResource in one: `capacity` identical servers and one waiting
 * line, served by priority (lower first) and FIFO within a priority. Tracks the time-weighted
 * number of busy servers and of waiting requests.
 */
export class Resource {
  readonly sim: Simulation;
  readonly capacity: number;
  readonly name: string;
  /** Busy servers over time. */
  readonly busy: TimeWeighted;
  /** Waiting requests over time. */
  readonly waiting: TimeWeighted;
  private readonly line = new WaitQueue<Request>();
  private inUse = 0;
  private seq = 0;

  constructor(sim: Simulation, capacity = 1, name = "resource") {
    if (!(capacity >= 1) || !Number.isInteger(capacity)) {
      throw new RangeError(`${name}: capacity must be a positive integer, got ${capacity}`);
    }
    this.sim = sim;
    this.capacity = capacity;
    this.name = name;
    this.busy = new TimeWeighted(sim.now, 0);
    this.waiting = new TimeWeighted(sim.now, 0);
  }

  /** Servers in use. */
  get count(): number {
    return this.inUse;
  }

  /** Requests waiting. */
  get queued(): number {
    return this.line.length;
  }

  /** Mean share of capacity in use since the statistics window started. */
  utilization(): number {
    return this.busy.mean(this.sim.now) / this.capacity;
  }

  request(priority = 0): Request {
    const request = new Request(this, priority, this.seq++);
    if (this.inUse < this.capacity && this.line.length === 0) this.grant(request);
    else {
      this.line.push(request);
      this.waiting.update(this.sim.now, this.line.length);
    }
    return request;
  }

  /** Gives back a granted request, or withdraws one still waiting. */
  release(request: Request): void {
    if (request.resource !== this) throw new Error(`${this.name}: release of another resource's request`);
    if (request.queued) {
      this.line.remove(request);
      this.waiting.update(this.sim.now, this.line.length);
      return;
    }
    if (!request.granted) throw new Error(`${this.name}: release of a request that was withdrawn`);
    if (request.released) throw new Error(`${this.name}: request released twice`);
    request.released = true;
    this.inUse--;
    const now = this.sim.now;
    while (this.inUse < this.capacity) {
      const next = this.line.shift();
      if (next === undefined) break;
      this.waiting.update(now, this.line.length);
      this.grant(next);
    }
    this.busy.update(now, this.inUse);
  }

  private grant(request: Request): void {
    this.inUse++;
    this.busy.update(this.sim.now, this.inUse);
    request.granted = true;
    request.succeed(request);
  }
}

import type { DeviceSpec, SchedulerName } from "../../src/catalog/device-catalog.js";
import type { Simulation } from "../kernel.js";
import { diskServiceMs, flashServiceMs } from "../physics/disk-service.js";
import type { RandomStream } from "../rng.js";
import { TimeWeighted } from "../time-weighted.js";

/** One request to the device, as the block layer sees it. */
export interface IoRequest {
  /** Which workload issued it (bfq's per-process queues, fairness). */
  owner: number;
  bytes: number;
  write: boolean;
  /** Target position as a fraction of the device (0..1): seek distance on disks. */
  position: number;
  /** Part of a sequential stream (the block layer would merge it with its neighbours). */
  sequential: boolean;
  submittedNs: number;
  done: (request: IoRequest) => void;
}

/** Counters since the last reset, for observations (what /proc/diskstats would show). */
export interface DeviceCounters {
  reads: number;
  writes: number;
  readBytes: number;
  writeBytes: number;
  merged: number;
  readLatencyNs: number;
  writeLatencyNs: number;
}

const MS = 1e6;
// mq-deadline's FIFO expiry (block/mq-deadline.c: read_expire HZ/2, write_expire 5 s).
const READ_EXPIRE_NS = 500 * MS;
const WRITE_EXPIRE_NS = 5000 * MS;
// bfq serves one queue for a budget before moving on (a fixed request budget here). Within a
// queue it goes in sector order, except that once per slice the queue's oldest request goes
// first if it is past its FIFO deadline (block/bfq-iosched.c, bfq_check_fifo; deadlines from
// Documentation/block/bfq-iosched.rst: fifo_expire_sync 125 ms, fifo_expire_async 250 ms).
// Without it, nearest-first within a queue starved a request at the far end of a disk for
// seconds (7 s in a minute's run of two queues).
const BFQ_BUDGET = 8;
const BFQ_FIFO_EXPIRE_SYNC_NS = 125 * MS;
const BFQ_FIFO_EXPIRE_ASYNC_NS = 250 * MS;
// kyber's read latency target (block/kyber-iosched.c: 2 ms) and its default read depth.
const KYBER_READ_TARGET_NS = 2 * MS;
const KYBER_MAX_DEPTH = 256;

/** Linux's nr_requests after a scheduler switch: the tag depth for none, else 2·min(depth, 128). */
export function defaultNrRequests(spec: DeviceSpec, scheduler: SchedulerName): number {
  return scheduler === "none" ? spec.tagDepth : 2 * Math.min(spec.tagDepth, 128);
}

/**
 * A block device with a blk-mq scheduler, per request: `parallelism` internal servers fed from
 * the scheduler's queue (at most nr_requests; submitters beyond that wait, as they sleep in the
 * kernel). Disks serve one request at a time from a window the scheduler lets them choose in:
 * the first tag-depth requests in arrival order for none (the drive's NCQ reorders them), the
 * whole sector-sorted queue for mq-deadline (expired requests first), one workload's requests at
 * a time round-robin for bfq, and a depth-throttled FIFO for kyber (shrinking while reads miss
 * its 2 ms target). The scheduler's per-request CPU cost is charged by the submitter.
 *
 * Not modelled: the aging a drive's firmware applies to its own queue. Under `none` the disk
 * picks the nearest of its 32 tags forever, so a request far from a busy region of the disk can
 * wait unboundedly (real drives serve it within their command timeout; how soon is firmware's
 * secret). The tuners never choose `none` for a rotating disk; a scenario may start with it.
 */
export class BlockDevice {
  scheduler: SchedulerName;
  nrRequests: number;
  readAheadKb: number;
  readonly counters: DeviceCounters = newCounters();
  /** Requests in flight at the device over time (queue depth). */
  readonly inFlightLevel: TimeWeighted;
  /** Time with at least one request in flight (utilization). */
  readonly busyLevel: TimeWeighted;
  private readonly queue: IoRequest[] = [];
  private readonly blocked: IoRequest[] = [];
  private inFlight = 0;
  private head = 0;
  private nextFreeNs = 0;
  private bfqTurn = 0;
  private bfqServed = 0;
  /** The FIFO of the queue in service was looked at in this slice (bfq_mark_bfqq_fifo_expire). */
  private bfqFifoChecked = false;
  private kyberDepth = KYBER_MAX_DEPTH;

  constructor(
    private readonly sim: Simulation,
    readonly name: string,
    readonly spec: DeviceSpec,
    initial: { scheduler: SchedulerName; nrRequests?: number; readAheadKb: number },
    private readonly stream: RandomStream,
  ) {
    this.scheduler = initial.scheduler;
    this.nrRequests = initial.nrRequests ?? defaultNrRequests(spec, initial.scheduler);
    this.readAheadKb = initial.readAheadKb;
    this.inFlightLevel = new TimeWeighted(sim.now, 0);
    this.busyLevel = new TimeWeighted(sim.now, 0);
  }

  /** Switches the scheduler; like the kernel, this resets nr_requests to its default. */
  setScheduler(scheduler: SchedulerName): void {
    this.scheduler = scheduler;
    this.nrRequests = defaultNrRequests(this.spec, scheduler);
  }

  /** The largest nr_requests the kernel accepts: the tag depth without a scheduler, 2048 with one (block/blk-sysfs.c, MAX_SCHED_RQ). */
  maxNrRequests(scheduler: SchedulerName = this.scheduler): number {
    return scheduler === "none" ? this.spec.tagDepth : 2048;
  }

  submit(request: IoRequest): void {
    if (this.queue.length >= this.nrRequests) this.blocked.push(request);
    else this.queue.push(request);
    this.dispatch();
  }

  resetCounters(): void {
    Object.assign(this.counters, newCounters());
  }

  private dispatch(): void {
    const servers = this.spec.class === "hdd" ? 1 : this.spec.parallelism;
    while (this.inFlight < servers && this.queue.length > 0) {
      const now = this.sim.now;
      if (this.spec.class !== "hdd" && this.spec.iopsLimit !== undefined && now < this.nextFreeNs) {
        this.sim.at(this.nextFreeNs, () => this.dispatch());
        return;
      }
      const index = this.pick();
      const request = this.queue.splice(index, 1)[0] as IoRequest;
      const waiting = this.blocked.shift();
      if (waiting !== undefined) this.queue.push(waiting);
      this.start(request);
    }
  }

  private start(request: IoRequest): void {
    const now = this.sim.now;
    const spec = this.spec;
    let serviceMs: number;
    if (spec.class === "hdd") {
      serviceMs = diskServiceMs(spec, this.head, request.position, request.bytes, request.write, this.stream);
      this.head = request.position;
    } else {
      serviceMs = flashServiceMs(spec, request.bytes, request.write, this.stream);
      if (spec.iopsLimit !== undefined)
        this.nextFreeNs = Math.max(now, this.nextFreeNs) + Math.round(1e9 / spec.iopsLimit);
    }
    this.setInFlight(this.inFlight + 1);
    this.sim.schedule(Math.max(1, Math.round(serviceMs * MS)), () => this.complete(request));
  }

  private complete(request: IoRequest): void {
    const now = this.sim.now;
    this.setInFlight(this.inFlight - 1);
    const latency = now - request.submittedNs;
    const c = this.counters;
    if (request.write) {
      c.writes++;
      c.writeBytes += request.bytes;
      c.writeLatencyNs += latency;
    } else {
      c.reads++;
      c.readBytes += request.bytes;
      c.readLatencyNs += latency;
      if (this.scheduler === "kyber") this.adaptKyber(latency);
    }
    if (request.sequential) c.merged++;
    request.done(request);
    this.dispatch();
  }

  private setInFlight(count: number): void {
    const now = this.sim.now;
    this.inFlight = count;
    this.inFlightLevel.update(now, count);
    this.busyLevel.update(now, count > 0 ? 1 : 0);
  }

  /** kyber halves a domain's depth while its latency misses the target and regrows it by one otherwise. */
  private adaptKyber(latencyNs: number): void {
    if (latencyNs > KYBER_READ_TARGET_NS) this.kyberDepth = Math.max(1, Math.floor(this.kyberDepth / 2));
    else this.kyberDepth = Math.min(KYBER_MAX_DEPTH, this.kyberDepth + 1);
  }

  /** Index in the queue of the request to serve next. */
  private pick(): number {
    const queue = this.queue;
    const now = this.sim.now;
    switch (this.scheduler) {
      case "none":
        return this.nearest(0, Math.min(queue.length, this.spec.tagDepth));
      case "kyber":
        return this.nearest(0, Math.min(queue.length, this.kyberDepth, this.spec.tagDepth));
      case "mq-deadline": {
        const oldest = queue[0] as IoRequest;
        const expiry = oldest.write ? WRITE_EXPIRE_NS : READ_EXPIRE_NS;
        if (now - oldest.submittedNs > expiry) return 0;
        return this.nearest(0, queue.length);
      }
      case "bfq":
        return this.pickBfq();
    }
  }

  /** On a disk, the request in queue[from..to) with the shortest seek; on flash, the first. */
  private nearest(from: number, to: number): number {
    if (this.spec.class !== "hdd") return from;
    let best = from;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let i = from; i < to; i++) {
      const distance = Math.abs((this.queue[i] as IoRequest).position - this.head);
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    }
    return best;
  }

  private pickBfq(): number {
    const owners = [...new Set(this.queue.map((request) => request.owner))].sort((a, b) => a - b);
    if (this.bfqServed >= BFQ_BUDGET || !owners.includes(this.bfqTurn)) {
      // The slice ends (budget spent, or the queue empty): the next queue's begins.
      this.bfqTurn = owners.find((owner) => owner > this.bfqTurn) ?? (owners[0] as number);
      this.bfqServed = 0;
      this.bfqFifoChecked = false;
    }
    this.bfqServed++;
    if (!this.bfqFifoChecked) {
      this.bfqFifoChecked = true;
      // The queue holds requests in arrival order: the turn's first is its oldest.
      const oldest = this.queue.findIndex((request) => request.owner === this.bfqTurn);
      const first = this.queue[oldest] as IoRequest;
      const expire = first.write ? BFQ_FIFO_EXPIRE_ASYNC_NS : BFQ_FIFO_EXPIRE_SYNC_NS;
      if (this.sim.now - first.submittedNs > expire) return oldest;
    }
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    this.queue.forEach((request, i) => {
      if (request.owner !== this.bfqTurn) return;
      const distance = this.spec.class === "hdd" ? Math.abs(request.position - this.head) : i;
      if (distance < bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return Math.max(0, best);
  }
}

function newCounters(): DeviceCounters {
  return { reads: 0, writes: 0, readBytes: 0, writeBytes: 0, merged: 0, readLatencyNs: 0, writeLatencyNs: 0 };
}

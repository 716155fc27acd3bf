import type { Simulation } from "../kernel.js";
import { maxMinRates } from "../physics/max-min.js";

/** A transfer in progress: bytes left, its own ceiling (window or loss limit) and the links it crosses. */
interface Flow {
  links: number[];
  capBps: number;
  remainingBits: number;
  rateBps: number;
  done: (arg: unknown) => void;
  arg: unknown;
}

/**
 * Transfers below this size are short: a response spends most of its life in round trips, so
 * it takes the spare capacity of its links when it starts and does not reshape the bulk flows'
 * shares. Recomputing max-min fairness for every small response costs more than it tells.
 */
export const SHORT_FLOW_BYTES = 1 << 20;

/**
 * Bulk transfers as fluid flows sharing links by max-min fairness, recomputed only when a flow
 * starts or ends (SimGrid's approach: Velho et al., "On the validity of flow-level TCP network models", TOMACS 2013): between those moments every flow moves at a
 * constant rate, so one pending event (the next completion) is enough.
 */
export class FlowNetwork {
  private readonly flows = new Set<Flow>();
  private lastUpdateNs = 0;
  private nextCompletion = -1;
  /** Bits carried per link since the start (monotonic, like interface counters). */
  private readonly carried: number[];
  /** Per link, the capacity bulk flows leave (at least 1%); constant between reschedules. */
  private readonly spare: number[];

  constructor(
    private readonly sim: Simulation,
    readonly capacitiesBps: number[],
  ) {
    this.carried = capacitiesBps.map(() => 0);
    this.spare = capacitiesBps.map((capacity) => capacity);
  }

  get activeFlows(): number {
    return this.flows.size;
  }

  /** The rate a short transfer gets now: its cap, or less if bulk flows leave less spare on its links. */
  shortFlowRate(links: readonly number[], capBps: number): number {
    let rate = capBps;
    for (const link of links) rate = Math.min(rate, this.spare[link] as number);
    return rate;
  }

  /** Counts a short transfer's bytes on its links (it never joins the bulk flows). */
  account(links: readonly number[], bytes: number): void {
    for (const link of links) this.carried[link] = (this.carried[link] as number) + bytes * 8;
  }

  /** Starts a bulk flow of `bytes` over `links`, no faster than `capBps`; calls `done(arg)` when it ends. */
  start<A>(links: number[], bytes: number, capBps: number, done: (arg: A) => void, arg: A): void {
    this.advance();
    this.flows.add({ links, capBps, remainingBits: bytes * 8, rateBps: 0, done: done as (arg: unknown) => void, arg });
    this.reschedule();
  }

  /** Changes a link's capacity (a knob or a failure), effective now. */
  setCapacity(link: number, bps: number): void {
    this.advance();
    this.capacitiesBps[link] = bps;
    this.reschedule();
  }

  /** Bits carried per link up to now. */
  carriedBits(): readonly number[] {
    this.advance();
    return this.carried;
  }

  /** Moves every flow forward to now at its current rate. */
  private advance(): void {
    const now = this.sim.now;
    const seconds = (now - this.lastUpdateNs) / 1e9;
    this.lastUpdateNs = now;
    if (seconds <= 0) return;
    for (const flow of this.flows) {
      const bits = Math.min(flow.remainingBits, flow.rateBps * seconds);
      flow.remainingBits -= bits;
      for (const link of flow.links) this.carried[link] = (this.carried[link] as number) + bits;
    }
  }

  private reschedule(): void {
    if (this.nextCompletion >= 0) this.sim.cancel(this.nextCompletion);
    this.nextCompletion = -1;
    const flows = [...this.flows];
    this.capacitiesBps.forEach((capacity, link) => {
      this.spare[link] = capacity;
    });
    if (flows.length === 0) return;
    const rates = maxMinRates(
      this.capacitiesBps,
      flows.map((flow) => ({ links: flow.links, cap: flow.capBps })),
    );
    let soonest = Number.POSITIVE_INFINITY;
    flows.forEach((flow, i) => {
      flow.rateBps = rates[i] as number;
      for (const link of flow.links) this.spare[link] = (this.spare[link] as number) - flow.rateBps;
      if (flow.rateBps > 0) soonest = Math.min(soonest, flow.remainingBits / flow.rateBps);
    });
    // Short flows always get through: at least 1% of a link.
    this.capacitiesBps.forEach((capacity, link) => {
      this.spare[link] = Math.max(capacity * 0.01, this.spare[link] as number);
    });
    if (!Number.isFinite(soonest)) return;
    this.nextCompletion = this.sim.schedule(Math.max(1, Math.ceil(soonest * 1e9)), () => this.completeFinished());
  }

  private completeFinished(): void {
    this.nextCompletion = -1;
    this.advance();
    const finished: Flow[] = [];
    for (const flow of this.flows) {
      // Sub-bit leftovers are rounding from integer-nanosecond event times.
      if (flow.remainingBits <= 1e-6 * Math.max(1, flow.rateBps) + 1) finished.push(flow);
    }
    for (const flow of finished) this.flows.delete(flow);
    this.reschedule();
    for (const flow of finished) flow.done(flow.arg);
  }
}

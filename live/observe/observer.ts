import type { Observation } from "../../src/backend.js";
import type { Clock } from "../../src/clock.js";
import type { HostFs, TextFs } from "../host-fs.js";
import { type HostSnapshot, readHostSnapshot } from "./host-snapshot.js";
import { observationBetween } from "./observation.js";

/** What one observation covers besides the host: its whole disks and the network namespaces to read TCP counters in. */
export interface ObserveScope {
  disks: readonly string[];
  namespaces?: ReadonlyMap<string, TextFs>;
}

/** Keeps the last snapshot, so each observation covers the interval since the previous one. */
export class Observer {
  private previous: HostSnapshot | undefined;

  constructor(
    private readonly fs: HostFs,
    private readonly clock: Clock,
    private readonly pids: readonly number[],
  ) {}

  private snapshot(scope: ObserveScope): Promise<HostSnapshot> {
    return readHostSnapshot(this.fs, this.clock.now(), this.pids, scope.namespaces);
  }

  /** Since the previous call; the first call waits `firstWindowMs` to have an interval. */
  async observe(scope: ObserveScope, firstWindowMs: number): Promise<Observation> {
    if (this.previous === undefined) {
      this.previous = await this.snapshot(scope);
      await this.clock.sleep(firstWindowMs);
    }
    const current = await this.snapshot(scope);
    const observation = observationBetween(this.previous, current, { disks: scope.disks });
    this.previous = current;
    return observation;
  }

  /** A fresh window of `windowMs` starting now. */
  async observeOver(scope: ObserveScope, windowMs: number): Promise<Observation> {
    this.previous = undefined;
    return this.observe(scope, windowMs);
  }
}
